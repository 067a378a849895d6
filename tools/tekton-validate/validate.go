package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tektoncd/pipeline/pkg/apis/config"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"knative.dev/pkg/apis"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Problem is one error (or warning) found in one YAML document.
type Problem struct {
	Doc     int // 1-based position of the document in its file
	Kind    string
	Name    string
	Field   string
	Message string
	Warning bool
}

func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "document %d", p.Doc)
	if p.Kind != "" {
		fmt.Fprintf(&b, " (%s", p.Kind)
		if p.Name != "" {
			fmt.Fprintf(&b, " %s", p.Name)
		}
		b.WriteString(")")
	}
	if p.Warning {
		b.WriteString(": warning")
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ": %s", p.Field)
	}
	fmt.Fprintf(&b, ": %s", p.Message)
	// One problem per line, whatever the message holds.
	return strings.Join(strings.Fields(b.String()), " ")
}

// tektonObject is what the webhook needs from each of the v1 kinds.
type tektonObject interface {
	metav1.Object
	apis.Defaultable
	apis.Validatable
}

func newObject(apiVersion, kind string) (tektonObject, error) {
	if apiVersion != v1.SchemeGroupVersion.String() {
		return nil, fmt.Errorf("unsupported apiVersion %q (expected %s)", apiVersion, v1.SchemeGroupVersion)
	}
	switch kind {
	case "PipelineRun":
		return &v1.PipelineRun{}, nil
	case "Pipeline":
		return &v1.Pipeline{}, nil
	case "Task":
		return &v1.Task{}, nil
	case "TaskRun":
		return &v1.TaskRun{}, nil
	}
	return nil, fmt.Errorf("unsupported kind %q (expected PipelineRun, Pipeline, Task or TaskRun)", kind)
}

// NewContext returns the context the Tekton webhook validates creates in: the config
// store's defaults (feature flags overridden by flags) plus apis.WithinCreate.
func NewContext(ctx context.Context, featureFlags map[string]string) (context.Context, error) {
	cfg := config.FromContextOrDefaults(ctx)
	ff, err := config.NewFeatureFlagsFromMap(featureFlags)
	if err != nil {
		return nil, fmt.Errorf("feature flags: %w", err)
	}
	cfg.FeatureFlags = ff
	return apis.WithinCreate(config.ToContext(ctx, cfg)), nil
}

// ValidateStream validates every document of a multi-document YAML stream. It returns
// the problems and the number of non-empty documents.
func ValidateStream(ctx context.Context, r io.Reader) ([]Problem, int) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var problems []Problem
	docs := 0
	for index := 1; ; index++ {
		data, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return append(problems, Problem{Doc: index, Message: "cannot read YAML: " + err.Error()}), docs
		}
		if isBlank(data) {
			continue
		}
		docs++
		for _, p := range ValidateDocument(ctx, data) {
			p.Doc = index
			problems = append(problems, p)
		}
	}
	return problems, docs
}

// isBlank tells whether a document holds only comments and whitespace.
func isBlank(data []byte) bool {
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.Equal(line, []byte("---")) {
			return false
		}
	}
	return true
}

// ValidateDocument decodes one YAML document strictly and validates it.
func ValidateDocument(ctx context.Context, data []byte) []Problem {
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return []Problem{{Message: "invalid YAML: " + err.Error()}}
	}
	var typeMeta metav1.TypeMeta
	if err := json.Unmarshal(js, &typeMeta); err != nil {
		return []Problem{{Message: "not a Kubernetes object: " + err.Error()}}
	}
	obj, err := newObject(typeMeta.APIVersion, typeMeta.Kind)
	if err != nil {
		return []Problem{{Kind: typeMeta.Kind, Message: err.Error()}}
	}
	problems := []Problem{}
	name := peekName(js)
	add := func(p Problem) {
		p.Kind, p.Name = typeMeta.Kind, name
		problems = append(problems, p)
	}
	// Unknown fields anywhere are errors: the webhook decodes the spec with
	// DisallowUnknownFields, the API server's strict field validation the metadata.
	// The API server's own decoder names the path of each unknown field.
	strictErrs, err := sigsjson.UnmarshalStrict(js, obj, sigsjson.DisallowUnknownFields)
	if err != nil {
		add(Problem{Message: "cannot decode: " + err.Error()})
		return problems
	}
	for _, e := range strictErrs {
		add(Problem{Message: e.Error()})
	}
	if len(strictErrs) > 0 {
		return problems
	}

	// The API server generates the name and fills the namespace before admission.
	if obj.GetName() == "" && obj.GetGenerateName() != "" {
		base := obj.GetGenerateName()
		if len(base) > 58 {
			base = base[:58]
		}
		obj.SetName(base + "x7k2q")
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace("default")
	}
	for _, e := range apimachineryvalidation.ValidateObjectMetaAccessor(obj, true,
		apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata")) {
		add(Problem{Field: e.Field, Message: e.ErrorBody()})
	}

	// Defaulting webhook, then validating webhook.
	obj.SetDefaults(ctx)
	if fe := obj.Validate(ctx); fe != nil {
		for _, e := range fe.WrappedErrors() {
			msg := e.Message
			if e.Details != "" {
				msg += " (" + e.Details + ")"
			}
			add(Problem{Field: strings.Join(e.Paths, ", "), Message: msg, Warning: e.Level == apis.WarningLevel})
		}
	}
	return problems
}

// peekName reads metadata.name (or generateName + "*") leniently, for messages.
func peekName(js []byte) string {
	var o struct {
		Metadata struct {
			Name         string `json:"name"`
			GenerateName string `json:"generateName"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(js, &o)
	if o.Metadata.Name != "" || o.Metadata.GenerateName == "" {
		return o.Metadata.Name
	}
	return o.Metadata.GenerateName + "*"
}
