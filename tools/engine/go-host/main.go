// Command pulumi-language-go is bedrock-sfn's stand-in for Pulumi's Go language host, for machines where that host
// cannot be built: its module (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3) is not on the Go module proxy.
// It does what this project needs of that host: build and run a Go program against the engine, list the provider
// plugins of the packages it imports, and generate and link a local Go SDK for `pulumi package add` (with the Go
// code generator of pkg/v3, which the proxy serves). It leaves out debugging, Go policy packs and plugins, `pulumi
// new`, `convert` and `package pack`.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is the Pulumi version this host stands in for; the build stamps it (-ldflags -X main.version=...).
var version = "3.248.0"

func main() {
	args := os.Args[1:]
	for _, arg := range args {
		if arg == "--version" || arg == "-version" {
			fmt.Println(version)
			return
		}
	}
	host := newHost(engineAddress(args))
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-go (bedrock-sfn stand-in): cannot listen: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	parent := os.Getppid()
	orphaned := make(chan struct{})
	go func() {
		// The engine gone (a killed CLI, a closed terminal) ends this host and the program it runs.
		for range time.Tick(time.Second) {
			if os.Getppid() != parent {
				close(orphaned)
				return
			}
		}
	}()
	select {
	case err := <-handle.Done:
		if err != nil {
			fmt.Fprintf(os.Stderr, "pulumi-language-go (bedrock-sfn stand-in): %v\n", err)
			os.Exit(1)
		}
	case <-stop:
		host.shutdown()
	case <-orphaned:
		host.shutdown()
	}
}

// engineAddress is the first positional argument: the engine starts language hosts as
// `<plugin> [-flag value ...] <engine address>`.
func engineAddress(args []string) string {
	withValue := map[string]bool{"tracing": true, "root": true, "binary": true, "buildTarget": true, "runtime": true}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if strings.HasPrefix(arg, "-") {
			name := strings.TrimLeft(arg, "-")
			if withValue[name] {
				i++
			}
			continue
		}
		return arg
	}
	return ""
}
