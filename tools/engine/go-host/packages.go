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
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/mod/modfile"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// pluginManifest is the pulumi-plugin.json a generated Go SDK carries in its package folder.
type pluginManifest struct {
	Resource bool   `json:"resource"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Server   string `json:"server"`
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return nil, status.Error(codes.Unimplemented, "GetRequiredPlugins is replaced by GetRequiredPackages")
}

// GetRequiredPackages lists the resource plugins of the packages the program imports: every non-standard package
// it depends on whose folder holds a pulumi-plugin.json.
func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := programDirectory(req.GetInfo(), "")
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", "./...")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "cannot list the Go program's packages in %s: %s%s", dir, firstLine(stderr.String(), err), sdkHint(stderr.String()))
	}
	found := map[string]*pulumirpc.PackageDependency{}
	for _, pkgDir := range strings.Split(stdout.String(), "\n") {
		if pkgDir == "" {
			continue
		}
		manifest, ok := readManifest(filepath.Join(pkgDir, "pulumi-plugin.json"))
		if !ok {
			continue
		}
		found[manifest.Name] = &pulumirpc.PackageDependency{
			Name: manifest.Name, Kind: "resource", Version: manifest.Version, Server: manifest.Server,
		}
	}
	names := make([]string, 0, len(found))
	for name := range found {
		names = append(names, name)
	}
	sort.Strings(names)
	response := &pulumirpc.GetRequiredPackagesResponse{}
	for _, name := range names {
		response.Packages = append(response.Packages, found[name])
	}
	return response, nil
}

func readManifest(file string) (pluginManifest, bool) {
	var manifest pluginManifest
	data, err := os.ReadFile(file)
	if err != nil || json.Unmarshal(data, &manifest) != nil {
		return manifest, false
	}
	return manifest, manifest.Resource && manifest.Name != ""
}

// GetProgramDependencies reports the modules go.mod requires (what `pulumi about` lists).
func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	file, err := readGoMod(programDirectory(req.GetInfo(), ""))
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	response := &pulumirpc.GetProgramDependenciesResponse{}
	for _, r := range file.Require {
		if req.GetTransitiveDependencies() || !r.Indirect {
			response.Dependencies = append(response.Dependencies, &pulumirpc.DependencyInfo{Name: r.Mod.Path, Version: r.Mod.Version})
		}
	}
	return response, nil
}

func readGoMod(dir string) (*modfile.File, error) {
	path := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("no go.mod in %s: a Go program needs one (go mod init)", dir)
	}
	file, err := modfile.Parse(path, data, nil)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	return file, nil
}

func firstLine(text string, err error) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) != "" {
			return strings.TrimSpace(line)
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.String()
	}
	return err.Error()
}

// sdkHint says what to do when go.mod replaces a module with a folder that is not there: a local SDK that `pulumi
// package add` generates and nobody has generated yet (it is not tracked).
func sdkHint(goOutput string) string {
	if strings.Contains(goOutput, "replacement directory") && strings.Contains(goOutput, "does not exist") {
		return " (a local SDK is missing: generate it with 'pulumi package add <package source>')"
	}
	return ""
}
