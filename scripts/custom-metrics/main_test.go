package main

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"sigs.k8s.io/custom-metrics-apiserver/pkg/provider"
)

func object(kind, phase string, annotations map[string]string) *unstructured.Unstructured {
	o := &unstructured.Unstructured{Object: map[string]interface{}{}}
	o.SetAPIVersion("v1")
	o.SetKind(kind)
	o.SetNamespace("ns")
	o.SetName("x")
	o.SetAnnotations(annotations)
	if phase != "" {
		_ = unstructured.SetNestedField(o.Object, phase, "status", "phase")
	}
	return o
}

func TestValue(t *testing.T) {
	p := &annotationProvider{}
	pods := provider.CustomMetricInfo{GroupResource: schema.GroupResource{Resource: "pods"}, Namespaced: true, Metric: "rps"}
	queue := provider.CustomMetricInfo{GroupResource: schema.GroupResource{Resource: "configmaps"}, Namespaced: true, Metric: "queue-length"}

	v, ok, err := p.value(object("Pod", "Running", map[string]string{annotationPrefix + "rps": "25"}), pods)
	if err != nil || !ok || v.Value.String() != "25" || v.DescribedObject.Kind != "Pod" || v.DescribedObject.APIVersion != "v1" || v.Metric.Name != "rps" {
		t.Fatalf("a running pod's annotation is its value: got %+v %v %v", v, ok, err)
	}
	if _, ok, err := p.value(object("Pod", "Pending", map[string]string{annotationPrefix + "rps": "25"}), pods); ok || err != nil {
		t.Fatalf("a pod that is not Running reports nothing: got %v %v", ok, err)
	}
	if _, ok, err := p.value(object("Pod", "Running", nil), pods); ok || err != nil {
		t.Fatalf("no annotation, no value: got %v %v", ok, err)
	}
	if v, ok, _ := p.value(object("ConfigMap", "", map[string]string{annotationPrefix + "queue-length": "1500m"}), queue); !ok || v.Value.MilliValue() != 1500 {
		t.Fatalf("an object's annotation is its value, as a quantity: got %+v %v", v, ok)
	}
	_, _, err = p.value(object("ConfigMap", "", map[string]string{annotationPrefix + "queue-length": "lots"}), queue)
	if err == nil || !strings.Contains(err.Error(), "ConfigMap ns/x") || !strings.Contains(err.Error(), `"lots" is not a quantity`) {
		t.Fatalf("a bad value names the object, the annotation and the value: got %v", err)
	}
}
