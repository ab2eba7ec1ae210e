package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// replacedVersion is the version `go mod tidy` itself writes for a module that only a replace directive provides.
const replacedVersion = "v0.0.0-00010101000000-000000000000"

// GeneratePackage writes a Go SDK for the schema into the request's folder, with pkg/v3's Go code generator: the
// SDK `pulumi package add` and `pulumi package gen-sdk --language go` produce.
func (h *host) GeneratePackage(ctx context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "cannot reach the engine's schema loader: %v", err)
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "the package schema is not valid JSON: %v", err)
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewCachedLoader(loader), schema.ValidationOptions{})
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "cannot bind the schema of %s: %v", spec.Name, err)
	}
	if diags.HasErrors() {
		return nil, status.Errorf(codes.InvalidArgument, "the schema of %s is invalid: %v", spec.Name, diags)
	}
	files, err := gogen.GeneratePackage("pulumi-language-go", pkg, req.GetLocalDependencies())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "cannot generate the Go SDK of %s: %v", spec.Name, err)
	}
	for name, content := range req.GetExtraFiles() {
		files[name] = content
	}
	for name, content := range files {
		target := filepath.Join(req.GetDirectory(), filepath.FromSlash(name))
		if !strings.HasPrefix(target, filepath.Clean(req.GetDirectory())+string(filepath.Separator)) {
			return nil, status.Errorf(codes.InvalidArgument, "generated file %q would land outside %s", name, req.GetDirectory())
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{}, nil
}

// Link points the program's go.mod at each local SDK (a require and a replace, as `go mod edit -replace` would) and
// says how to import it. InstallDependencies (go mod tidy) then completes go.sum.
func (h *host) Link(_ context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	info := req.GetInfo()
	dir := programDirectory(info, "")
	root := info.GetRootDirectory()
	if root == "" {
		root = dir
	}
	file, err := readGoMod(dir)
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	var instructions []string
	for _, dep := range req.GetPackages() {
		sdkDir := filepath.Join(root, dep.GetPath())
		sdkMod, err := readGoMod(sdkDir)
		if err != nil {
			return nil, status.Errorf(codes.FailedPrecondition, "the SDK of %s at %s has no go.mod", dep.GetPackage().GetName(), sdkDir)
		}
		modulePath := sdkMod.Module.Mod.Path
		rel, err := filepath.Rel(dir, sdkDir)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, "../") {
			rel = "./" + rel
		}
		requireDirectly(file, modulePath)
		if err := file.AddReplace(modulePath, "", rel, ""); err != nil {
			return nil, err
		}
		importPath := modulePath
		if pkgDir := manifestFolder(sdkDir); pkgDir != "" {
			importPath = modulePath + "/" + filepath.ToSlash(pkgDir)
		}
		instructions = append(instructions, fmt.Sprintf("The Go SDK of %s is linked in go.mod (replace %s => %s). Import it with:\n\n  import %q",
			dep.GetPackage().GetName(), modulePath, rel, importPath))
	}
	file.Cleanup()
	data, err := file.Format()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), data, 0o644); err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "cannot write %s: %v", filepath.Join(dir, "go.mod"), err)
	}
	return &pulumirpc.LinkResponse{ImportInstructions: strings.Join(instructions, "\n\n")}, nil
}

// manifestFolder is the SDK's package folder: the one holding pulumi-plugin.json, relative to sdkDir.
func manifestFolder(sdkDir string) string {
	matches, _ := filepath.Glob(filepath.Join(sdkDir, "*", "pulumi-plugin.json"))
	if len(matches) != 1 {
		return ""
	}
	rel, err := filepath.Rel(sdkDir, filepath.Dir(matches[0]))
	if err != nil {
		return ""
	}
	return rel
}

// InstallDependencies runs `go mod tidy` in the program's folder, streaming its output.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	dir := programDirectory(req.GetInfo(), req.GetDirectory())
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	out := &streamWriter{send: func(chunk []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: chunk})
	}}
	cmd.Stdout, cmd.Stderr = out, out
	if err := h.start(cmd); err != nil {
		return status.Errorf(codes.FailedPrecondition, "cannot run 'go mod tidy' in %s: %v", dir, err)
	}
	err := cmd.Wait()
	h.finished(cmd)
	if err != nil {
		return status.Errorf(codes.FailedPrecondition, "'go mod tidy' in %s failed: %v", dir, err)
	}
	return nil
}

type streamWriter struct {
	send func([]byte) error
}

var _ io.Writer = (*streamWriter)(nil)

func (w *streamWriter) Write(p []byte) (int, error) {
	chunk := append([]byte(nil), p...)
	if err := w.send(chunk); err != nil {
		return 0, err
	}
	return len(p), nil
}

// requireDirectly requires modulePath at replacedVersion among the direct requirements, where the go command keeps
// them (AddRequire would append it to the last block, the indirect one, and `go mod tidy` leaves it there).
func requireDirectly(file *modfile.File, modulePath string) {
	requires := make([]*modfile.Require, 0, len(file.Require)+1)
	for _, r := range file.Require {
		if r.Mod.Path != modulePath {
			requires = append(requires, &modfile.Require{Mod: r.Mod, Indirect: r.Indirect})
		}
	}
	requires = append(requires, &modfile.Require{Mod: module.Version{Path: modulePath, Version: replacedVersion}})
	file.SetRequireSeparateIndirect(requires)
}
