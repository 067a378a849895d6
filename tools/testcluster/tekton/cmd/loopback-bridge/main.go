// Command loopback-bridge copies byte streams between a listener and a dialer,
// optionally after bringing up "lo" and while running a child command.
//
// Why it exists: the Tekton controller (through knative) binds its probe and
// pprof servers to every interface and has no option to change that. We run it
// in its own network namespace (unshare -n), where nothing it binds is
// reachable from outside. Inside that namespace this bridge listens on
// 127.0.0.1:<apiserver port> and forwards to a Unix socket in the file system
// (path sockets are not scoped by network namespace); on the host a second
// bridge forwards that socket to the real kube-apiserver on 127.0.0.1.
//
//	loopback-bridge -listen unix:/D/apiserver.sock -dial tcp:127.0.0.1:6443
//	unshare -n loopback-bridge -lo-up -listen tcp:127.0.0.1:6443 -dial unix:/D/apiserver.sock -- controller ...
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"unsafe"
)

func main() {
	listenSpec := flag.String("listen", "", "where to accept connections: tcp:HOST:PORT or unix:PATH")
	dialSpec := flag.String("dial", "", "where to forward each connection: tcp:HOST:PORT or unix:PATH")
	loUp := flag.Bool("lo-up", false, "bring the loopback interface up first (a fresh network namespace has it down)")
	flag.Parse()
	log.SetPrefix("loopback-bridge: ")

	if *listenSpec == "" || *dialSpec == "" {
		log.Fatal("-listen and -dial are required")
	}
	if *loUp {
		if err := bringLoopbackUp(); err != nil {
			log.Fatalf("bring lo up: %v", err)
		}
	}
	dialNet, dialAddr, err := splitSpec(*dialSpec)
	if err != nil {
		log.Fatal(err)
	}
	listenNet, listenAddr, err := splitSpec(*listenSpec)
	if err != nil {
		log.Fatal(err)
	}
	if listenNet == "unix" {
		// A stale socket from a killed run would make Listen fail.
		_ = os.Remove(listenAddr)
	}
	ln, err := net.Listen(listenNet, listenAddr)
	if err != nil {
		log.Fatalf("listen %s: %v", *listenSpec, err)
	}
	go serve(ln, dialNet, dialAddr)

	if flag.NArg() == 0 {
		waitForSignal()
		return
	}
	os.Exit(runChild(flag.Args()))
}

func splitSpec(spec string) (network, addr string, err error) {
	network, addr, ok := strings.Cut(spec, ":")
	if !ok || (network != "tcp" && network != "unix") || addr == "" {
		return "", "", fmt.Errorf("bad address %q: want tcp:HOST:PORT or unix:PATH", spec)
	}
	return network, addr, nil
}

func serve(ln net.Listener, dialNet, dialAddr string) {
	for {
		in, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			log.Printf("accept: %v", err)
			continue
		}
		go forward(in, dialNet, dialAddr)
	}
}

func forward(in net.Conn, dialNet, dialAddr string) {
	defer in.Close()
	out, err := net.Dial(dialNet, dialAddr)
	if err != nil {
		log.Printf("dial %s:%s: %v", dialNet, dialAddr, err)
		return
	}
	defer out.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		// Half-close so the peer sees EOF while the other direction drains.
		if c, ok := dst.(interface{ CloseWrite() error }); ok {
			_ = c.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	<-done
}

// runChild runs the command, passes SIGTERM/SIGINT on, and returns its exit code.
func runChild(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		log.Printf("start %s: %v", args[0], err)
		return 127
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if exitErr.ExitCode() >= 0 {
			return exitErr.ExitCode()
		}
		return 1
	default:
		log.Printf("wait %s: %v", args[0], err)
		return 1
	}
}

func waitForSignal() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	<-sigs
}

// bringLoopbackUp is `ip link set lo up` without needing iproute2.
func bringLoopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	// struct ifreq: 16 bytes of name, then a union whose first member here is short ifr_flags.
	var ifr [40]byte
	copy(ifr[:], "lo")
	if err := ioctl(fd, syscall.SIOCGIFFLAGS, &ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS: %w", err)
	}
	flags := binary.NativeEndian.Uint16(ifr[16:18]) | syscall.IFF_UP
	binary.NativeEndian.PutUint16(ifr[16:18], flags)
	if err := ioctl(fd, syscall.SIOCSIFFLAGS, &ifr); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS: %w", err)
	}
	return nil
}

func ioctl(fd int, req uintptr, ifr *[40]byte) error {
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(ifr)))
	if errno != 0 {
		return errno
	}
	return nil
}
