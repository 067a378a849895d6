// Command tekton-validate checks Tekton v1 YAML the way a cluster would on create:
// strict decoding (unknown fields are errors, as in Tekton's webhook), the API
// server's object-metadata checks, then Tekton's own SetDefaults and Validate with
// apis.WithinCreate and the default feature flags.
//
// Usage: tekton-validate [-flag key=value]... [-q] PATH...
// PATH is a YAML file (multi-document) or a directory searched for *.yaml / *.yml.
// Exit status: 0 all valid, 1 any error, 2 usage or I/O problem.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// keyValues collects repeated -flag key=value options (feature-flags ConfigMap data).
type keyValues map[string]string

func (kv keyValues) String() string { return fmt.Sprint(map[string]string(kv)) }

func (kv keyValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("expected key=value, got %q", s)
	}
	kv[k] = v
	return nil
}

func run(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("tekton-validate", flag.ContinueOnError)
	fset.SetOutput(stderr)
	featureFlags := keyValues{}
	fset.Var(featureFlags, "flag", "feature-flags ConfigMap entry key=value (repeatable), e.g. enable-api-fields=alpha")
	quiet := fset.Bool("q", false, "print errors only, no summary")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: tekton-validate [-flag key=value]... [-q] FILE|DIR...")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return 2
	}
	ctx, err := NewContext(context.Background(), featureFlags)
	if err != nil {
		fmt.Fprintf(stderr, "tekton-validate: %v\n", err)
		return 2
	}
	files, err := collectFiles(fset.Args())
	if err != nil {
		fmt.Fprintf(stderr, "tekton-validate: %v\n", err)
		return 2
	}
	docs, errors := 0, 0
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			fmt.Fprintf(stderr, "tekton-validate: %v\n", err)
			return 2
		}
		problems, n := ValidateStream(ctx, f)
		f.Close()
		docs += n
		for _, p := range problems {
			if p.Warning {
				fmt.Fprintf(stderr, "%s: %s\n", file, p)
				continue
			}
			errors++
			fmt.Fprintf(stdout, "%s: %s\n", file, p)
		}
	}
	if !*quiet {
		fmt.Fprintf(stderr, "tekton-validate: %d document(s) in %d file(s), %d error(s)\n", docs, len(files), errors)
	}
	if errors > 0 {
		return 1
	}
	return 0
}

// collectFiles expands directories to their *.yaml/*.yml files, sorted for stable output.
func collectFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			ext := strings.ToLower(filepath.Ext(path))
			if !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.yaml or *.yml files", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}
