package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// exitAlreadyReported is the SDK's exit code for "the program already reported its error": the engine just stops.
const exitAlreadyReported = 32

// options are Pulumi.yaml's `runtime.options` for Go, as Pulumi documents them: `binary` runs a prebuilt program
// instead of building one, `buildTarget` keeps the built program at that path.
type options struct {
	binary      string
	buildTarget string
}

func readOptions(info *pulumirpc.ProgramInfo) options {
	var opts options
	if info.GetOptions() == nil {
		return opts
	}
	values := info.GetOptions().AsMap()
	if v, ok := values["binary"].(string); ok {
		opts.binary = v
	}
	if v, ok := values["buildTarget"].(string); ok {
		opts.buildTarget = v
	}
	return opts
}

func programDirectory(info *pulumirpc.ProgramInfo, pwd string) string {
	if dir := info.GetProgramDirectory(); dir != "" {
		return dir
	}
	return pwd
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := programDirectory(info, req.GetPwd())
	program, cleanup, err := h.buildProgram(ctx, dir, info.GetEntryPoint(), readOptions(info))
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	defer cleanup()

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()

	cmd := exec.Command(program, req.GetArgs()...)
	cmd.Dir = dir
	if req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	// The environment the Go SDK reads (sdk/go/pulumi/run.go, getEnvInfo).
	cmd.Env = append(os.Environ(),
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+engine,
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ROOT_DIRECTORY="+info.GetRootDirectory(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
	)
	// The program's output goes where the engine reads this host's: its stdout and stderr.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := h.start(cmd); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("cannot run the program %s: %v", program, err)}, nil
	}
	err = cmd.Wait()
	h.finished(cmd)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == exitAlreadyReported:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit) && exit.ExitCode() < 0:
		return &pulumirpc.RunResponse{Error: "the program was stopped by a signal"}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("the program failed: %v", err)}, nil
	}
}

// buildProgram returns the program to run: the prebuilt `binary`, or the package at entry built with `go build`
// (into `buildTarget`, or a temporary folder removed by cleanup).
func (h *host) buildProgram(ctx context.Context, dir, entry string, opts options) (string, func(), error) {
	if opts.binary != "" {
		return absolute(dir, opts.binary), func() {}, nil
	}
	if _, err := exec.LookPath("go"); err != nil {
		return "", nil, errors.New("cannot build the Go program: no 'go' on PATH (install Go 1.25+, or set runtime.options.binary)")
	}
	cleanup := func() {}
	target := opts.buildTarget
	if target == "" {
		tmp, remove, err := h.scratchDir("pulumi-go-program-")
		if err != nil {
			return "", nil, err
		}
		cleanup = remove
		target = filepath.Join(tmp, "program")
	} else {
		target = absolute(dir, target)
	}
	if entry == "" {
		entry = "."
	}
	if !strings.HasPrefix(entry, ".") && !filepath.IsAbs(entry) {
		entry = "./" + entry
	}
	var output bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "build", "-o", target, entry)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("go build of %s failed: %s%s", dir, strings.TrimSpace(output.String()), sdkHint(output.String()))
	}
	return target, cleanup, nil
}

func absolute(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
