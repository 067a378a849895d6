// Command testcluster-bootstrap prepares a bare kube-apiserver for the Tekton
// controller: it waits for /readyz, then server-side-applies Tekton's own
// namespace, CRDs and config maps (read from the tektoncd/pipeline module's
// config/ directory) with the edits a webhook-less, out-of-cluster controller
// needs, plus any extra manifests (the kwok fake node).
//
// There is no kubectl in the test cluster; this is the part of `kubectl apply`
// we need, with the edits done on parsed objects instead of with sed.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

const fieldManager = "testcluster-bootstrap"

// repeated collects a repeatable string flag.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the test cluster")
	tektonConfig := flag.String("tekton-config", "", "the tektoncd/pipeline module's config/ directory")
	timeout := flag.Duration("timeout", 60*time.Second, "how long to wait for the API server and the CRDs")
	var manifests, sets repeated
	flag.Var(&manifests, "manifest", "extra YAML file to apply after Tekton's (repeatable)")
	flag.Var(&sets, "set", "config map edit CONFIGMAP.KEY=VALUE, e.g. feature-flags.coschedule=disabled (repeatable)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("testcluster-bootstrap: ")

	if *kubeconfig == "" || *tektonConfig == "" {
		log.Fatal("-kubeconfig and -tekton-config are required")
	}
	edits, err := parseSets(sets)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, *kubeconfig, *tektonConfig, manifests, edits); err != nil {
		log.Fatal(err)
	}
}

// configEdits maps config map name -> key -> value.
type configEdits map[string]map[string]string

func parseSets(sets []string) (configEdits, error) {
	edits := configEdits{}
	for _, s := range sets {
		nameKey, value, ok := strings.Cut(s, "=")
		name, key, ok2 := strings.Cut(nameKey, ".")
		if !ok || !ok2 || name == "" || key == "" {
			return nil, fmt.Errorf("bad -set %q: want CONFIGMAP.KEY=VALUE", s)
		}
		if edits[name] == nil {
			edits[name] = map[string]string{}
		}
		edits[name][key] = value
	}
	return edits, nil
}

func run(ctx context.Context, kubeconfig, tektonConfig string, manifests []string, edits configEdits) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	if err := waitReady(ctx, disc.RESTClient()); err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	a := &applier{dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))}

	namespaces, err := filepath.Glob(filepath.Join(tektonConfig, "100-namespace", "*.yaml"))
	if err != nil {
		return err
	}
	crds, _ := filepath.Glob(filepath.Join(tektonConfig, "300-crds", "*.yaml"))
	configMaps, _ := filepath.Glob(filepath.Join(tektonConfig, "config-*.yaml"))
	if len(namespaces) == 0 || len(crds) == 0 || len(configMaps) == 0 {
		return fmt.Errorf("%s does not look like tektoncd/pipeline's config/ (namespace, CRD or config-*.yaml files missing)", tektonConfig)
	}

	for _, f := range namespaces {
		if err := a.applyFile(ctx, f, nil); err != nil {
			return err
		}
	}
	var crdNames []string
	for _, f := range crds {
		err := a.applyFile(ctx, f, func(o *unstructured.Unstructured) error {
			if o.GetKind() != "CustomResourceDefinition" {
				return nil
			}
			crdNames = append(crdNames, o.GetName())
			return keepStorageVersionOnly(o)
		})
		if err != nil {
			return err
		}
	}
	used := map[string]bool{}
	for _, f := range configMaps {
		err := a.applyFile(ctx, f, func(o *unstructured.Unstructured) error {
			if o.GetKind() != "ConfigMap" {
				return nil
			}
			for k, v := range edits[o.GetName()] {
				if err := unstructured.SetNestedField(o.Object, v, "data", k); err != nil {
					return err
				}
			}
			used[o.GetName()] = true
			return nil
		})
		if err != nil {
			return err
		}
	}
	for name := range edits {
		if !used[name] {
			return fmt.Errorf("-set names config map %q, which is not among Tekton's config-*.yaml", name)
		}
	}
	if err := waitEstablished(ctx, dyn, crdNames); err != nil {
		return err
	}
	for _, f := range manifests {
		if err := a.applyFile(ctx, f, nil); err != nil {
			return err
		}
	}
	log.Printf("applied %d CRDs, %d config files, %d extra manifests", len(crdNames), len(configMaps), len(manifests))
	return nil
}

// keepStorageVersionOnly drops the webhook conversion (no Tekton webhook runs)
// and every version but the storage one: with conversion "None" the API server
// would serve v1beta1 objects that are v1 objects with a new apiVersion.
func keepStorageVersionOnly(crd *unstructured.Unstructured) error {
	unstructured.RemoveNestedField(crd.Object, "spec", "conversion")
	versions, _, err := unstructured.NestedSlice(crd.Object, "spec", "versions")
	if err != nil {
		return err
	}
	var kept []interface{}
	for _, v := range versions {
		if m, ok := v.(map[string]interface{}); ok && m["storage"] == true {
			kept = append(kept, v)
		}
	}
	if len(kept) != 1 {
		return fmt.Errorf("CRD %s: expected exactly one storage version, found %d", crd.GetName(), len(kept))
	}
	return unstructured.SetNestedSlice(crd.Object, kept, "spec", "versions")
}

type applier struct {
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
}

func (a *applier) applyFile(ctx context.Context, path string, edit func(*unstructured.Unstructured) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		obj := &unstructured.Unstructured{}
		if err := dec.Decode(&obj.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(obj.Object) == 0 {
			continue // empty document between "---" lines
		}
		if edit != nil {
			if err := edit(obj); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		if err := a.apply(ctx, obj); err != nil {
			return fmt.Errorf("%s: %s %s: %w", path, obj.GetKind(), obj.GetName(), err)
		}
	}
}

func (a *applier) apply(ctx context.Context, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		a.mapper.Reset() // a CRD applied earlier in this run
		mapping, err = a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return err
	}
	body, err := obj.MarshalJSON()
	if err != nil {
		return err
	}
	var res dynamic.ResourceInterface = a.dyn.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := obj.GetNamespace()
		if ns == "" {
			ns = "default"
		}
		res = a.dyn.Resource(mapping.Resource).Namespace(ns)
	}
	force := true
	_, err = res.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: fieldManager, Force: &force})
	return err
}

func waitReady(ctx context.Context, rc rest.Interface) error {
	var last error
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, last = rc.Get().AbsPath("/readyz").DoRaw(ctx)
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("API server not ready: %v (last error: %v)", err, last)
	}
	return nil
}

func waitEstablished(ctx context.Context, dyn dynamic.Interface, names []string) error {
	crdRes := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	sort.Strings(names)
	for _, name := range names {
		var state string
		err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			o, err := dyn.Resource(crdRes).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				state = err.Error()
				return false, nil
			}
			conds, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
			for _, c := range conds {
				m, _ := c.(map[string]interface{})
				if m["type"] == "Established" && m["status"] == "True" {
					return true, nil
				}
			}
			state = fmt.Sprintf("conditions %v", conds)
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s not established: %s", name, state)
		}
	}
	return nil
}
