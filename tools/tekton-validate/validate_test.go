package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, err := NewContext(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func validateString(t *testing.T, yaml string) []Problem {
	t.Helper()
	problems, _ := ValidateStream(testContext(t), strings.NewReader(yaml))
	var errs []Problem
	for _, p := range problems {
		if !p.Warning {
			errs = append(errs, p)
		}
	}
	return errs
}

func TestKnownGoodDocumentsPass(t *testing.T) {
	for _, name := range []string{"pipelinerun-embedded.yaml", "separate-objects.yaml"} {
		t.Run(name, func(t *testing.T) {
			problems, docs := ValidateStream(testContext(t), strings.NewReader(readTestdata(t, name)))
			if len(problems) != 0 {
				t.Fatalf("expected no problems, got %v", problems)
			}
			if docs == 0 {
				t.Fatal("no document was validated")
			}
		})
	}
}

// Each case breaks the known-good PipelineRun in one way that Tekton or the API
// server rejects, and names a fragment of the expected message.
func TestKnownBadDocumentsFail(t *testing.T) {
	good := readTestdata(t, "pipelinerun-embedded.yaml")
	cases := []struct {
		name, old, new, want string
	}{
		{"task name not a DNS label", "name: consumer", "name: Consumer_1", "Pipeline Task name must be a valid DNS Label"},
		{"duplicate task", "name: consumer", "name: producer", "duplicate pipeline task"},
		{"onError continue with retries", "retries: 2\n", "retries: 2\n        onError: continue\n", `OnError cannot be set to "continue" when Retries`},
		{"unknown field with its path", "onError: continue\n", "onError: continue\n              scriptt: x\n", `unknown field "spec.pipelineSpec.tasks[0].taskSpec.steps[1].scriptt"`},
		{"field name case matters", "script: echo hi", "Script: echo hi", `unknown field "spec.pipelineSpec.tasks[1].taskSpec.steps[0].Script"`},
		{"unknown metadata field", "  labels:\n", "  labelz: {}\n  labels:\n", `unknown field "metadata.labelz"`},
		{"invalid quantity", "cpu: 500m", "cpu: 500 cores", "quantities must match"},
		{"runAfter unknown task", "runAfter: [producer]", "runAfter: [nope]", "nope wasn't present in Pipeline"},
		{"cycle", "retries: 2\n", "retries: 2\n        runAfter: [consumer]\n", "cycle detected"},
		{"param name syntax", "- name: alpha\n        type: string", "- name: \"al pha\"\n        type: string", "variable names is invalid"},
		{"undefined param reference", "value: $(params.alpha)\n        taskSpec", "value: $(params.beta)\n        taskSpec", `non-existent variable in "$(params.beta)"`},
		{"duplicate step name", "- name: save", "- name: fetch", "expected exactly one, got both"},
		{"step without image", "              image: python:3.12\n              script: echo hi", "              script: echo hi", "missing field(s)"},
		{"name longer than 63", "generateName: producer-consumer-", "name: " + strings.Repeat("a", 64), "no more than 63 characters"},
		{"invalid label value", "jupyterlab-tekton", "bad value!", "a valid label must be"},
		{"tasks timeout above pipeline timeout", "    pipeline: 1h0m0s", "    pipeline: 1h0m0s\n    tasks: 2h", "should be <= pipeline duration"},
		{"duplicate YAML key", "  timeouts:\n", "  timeouts:\n    pipeline: 2h\n", "already set in map"},
		{"old apiVersion", "tekton.dev/v1", "tekton.dev/v1beta1", "unsupported apiVersion"},
		{"unknown kind", "kind: PipelineRun", "kind: Workflow", "unsupported kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(good, c.old, c.new, 1)
			if bad == good {
				t.Fatalf("test case does not change the document (%q not found)", c.old)
			}
			problems := validateString(t, bad)
			if len(problems) == 0 {
				t.Fatalf("expected an error containing %q, got none", c.want)
			}
			for _, p := range problems {
				if strings.Contains(p.String(), c.want) {
					return
				}
			}
			t.Fatalf("expected an error containing %q, got %v", c.want, problems)
		})
	}
}

func TestProblemsNameDocumentKindAndField(t *testing.T) {
	stream := readTestdata(t, "separate-objects.yaml") + "\n---\n" +
		strings.Replace(readTestdata(t, "pipelinerun-embedded.yaml"), "name: consumer", "name: Bad_Name", 1)
	problems := validateString(t, stream)
	if len(problems) != 1 {
		t.Fatalf("expected one problem, got %v", problems)
	}
	got := problems[0].String()
	want := "document 6 (PipelineRun producer-consumer-*): spec.pipelineSpec.tasks[1].name: invalid value \"Bad_Name\""
	if !strings.HasPrefix(got, want) {
		t.Fatalf("got %q, want prefix %q", got, want)
	}
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	goodDir := filepath.Join(dir, "good")
	if err := os.MkdirAll(goodDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pipelinerun-embedded.yaml", "separate-objects.yaml"} {
		if err := os.WriteFile(filepath.Join(goodDir, name), []byte(readTestdata(t, name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(dir, "bad.yml")
	broken := strings.Replace(readTestdata(t, "pipelinerun-embedded.yaml"), "runAfter: [producer]", "runAfter: [nope]", 1)
	if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{goodDir}, &out, &errOut); code != 0 {
		t.Fatalf("good dir: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "4 document(s) in 2 file(s), 0 error(s)") {
		t.Fatalf("unexpected summary %q", errOut.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{goodDir, bad}, &out, &errOut); code != 1 {
		t.Fatalf("bad file: exit %d, want 1", code)
	}
	if !strings.HasPrefix(out.String(), bad+": document 1 (PipelineRun producer-consumer-*)") {
		t.Fatalf("error line does not name file and document: %q", out.String())
	}
	if code := run(nil, &out, &errOut); code != 2 {
		t.Fatalf("no arguments: exit %d, want 2", code)
	}
	if code := run([]string{filepath.Join(dir, "missing.yaml")}, &out, &errOut); code != 2 {
		t.Fatalf("missing file: exit %d, want 2", code)
	}
	if code := run([]string{"-flag", "enable-api-fields=nonsense", goodDir}, &out, &errOut); code != 2 {
		t.Fatalf("bad feature flag: exit %d, want 2", code)
	}
}

// A feature flag changes what Tekton accepts, as it would on a cluster.
func TestFeatureFlagsReachValidation(t *testing.T) {
	doc := strings.Replace(readTestdata(t, "pipelinerun-embedded.yaml"), "runAfter: [producer]\n", "runAfter: [producer]\n        onError: continue\n", 1)
	if problems := validateString(t, doc); len(problems) != 0 {
		t.Fatalf("default flags (beta) should accept a pipeline task onError: %v", problems)
	}
	ctx, err := NewContext(context.Background(), map[string]string{"enable-api-fields": "stable"})
	if err != nil {
		t.Fatal(err)
	}
	problems, _ := ValidateStream(ctx, strings.NewReader(doc))
	found := false
	for _, p := range problems {
		found = found || strings.Contains(p.String(), "OnError requires \"enable-api-fields\"")
	}
	if !found {
		t.Fatalf("enable-api-fields=stable should reject a pipeline task onError, got %v", problems)
	}
}
