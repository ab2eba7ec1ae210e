package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// host serves the LanguageRuntime protocol; the methods live in run.go, packages.go and sdk.go.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	children      map[*exec.Cmd]struct{}
	// Folders of programs built for a run, removed when the run ends or the host stops.
	scratch map[string]struct{}
}

func newHost(engineAddress string) *host {
	return &host{engineAddress: engineAddress, children: map[*exec.Cmd]struct{}{}, scratch: map[string]struct{}{}}
}

// scratchDir makes a temporary folder that the host removes at the latest when it stops.
func (h *host) scratchDir(prefix string) (string, func(), error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	h.mu.Lock()
	h.scratch[dir] = struct{}{}
	h.mu.Unlock()
	return dir, func() {
		_ = os.RemoveAll(dir)
		h.mu.Lock()
		delete(h.scratch, dir)
		h.mu.Unlock()
	}, nil
}

// shutdown stops the children, then removes what they leave behind.
func (h *host) shutdown() {
	h.stopChildren(2 * time.Second)
	h.mu.Lock()
	defer h.mu.Unlock()
	for dir := range h.scratch {
		_ = os.RemoveAll(dir)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.mu.Lock()
		h.engineAddress = req.GetEngineAddress()
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goPath, err := exec.LookPath("go")
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, "no 'go' on PATH: install Go 1.25+")
	}
	// The toolchain that builds the program, which may not be the one this host was built with.
	out, err := exec.CommandContext(ctx, goPath, "env", "GOVERSION").Output()
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "cannot ask %s its version: %v", goPath, err)
	}
	return &pulumirpc.AboutResponse{Executable: goPath, Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.stopChildren(0)
	return &emptypb.Empty{}, nil
}

// start runs cmd as a child this host stops on Cancel, on a signal, or when the engine goes away.
func (h *host) start(cmd *exec.Cmd) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	h.children[cmd] = struct{}{}
	return nil
}

func (h *host) finished(cmd *exec.Cmd) {
	h.mu.Lock()
	delete(h.children, cmd)
	h.mu.Unlock()
}

// stopChildren sends SIGINT to every child, then SIGKILL to those still running after grace.
func (h *host) stopChildren(grace time.Duration) {
	h.mu.Lock()
	running := make([]*exec.Cmd, 0, len(h.children))
	for cmd := range h.children {
		running = append(running, cmd)
	}
	h.mu.Unlock()
	for _, cmd := range running {
		_ = cmd.Process.Signal(syscall.SIGINT)
	}
	if grace <= 0 || len(running) == 0 {
		return
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		left := len(h.children)
		h.mu.Unlock()
		if left == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, cmd := range running {
		_ = cmd.Process.Kill()
	}
}
