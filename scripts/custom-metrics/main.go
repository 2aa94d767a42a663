// kubeproof-custom-metrics: a custom metrics API (custom.metrics.k8s.io) for the HPA-3 tests.
// No provider here ships a metrics pipeline for application metrics (a Prometheus and its
// adapter), so this server plays that part with a value a test can set: the metric <name> of an
// object is the quantity in its annotation "custom-metrics.kubeproof.dev/<name>". Everything
// after that is real: the aggregator serves this API, and the HPA controller reads per-pod and
// object metrics from it exactly as it would from any adapter.
//
// A pod reports only while it is Running (a process that has not started exports nothing), as
// a scraped application would; other kinds report whenever they carry the annotation.
package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/component-base/logs"
	"k8s.io/klog/v2"
	"k8s.io/metrics/pkg/apis/custom_metrics"

	basecmd "sigs.k8s.io/custom-metrics-apiserver/pkg/cmd"
	"sigs.k8s.io/custom-metrics-apiserver/pkg/provider"
	"sigs.k8s.io/custom-metrics-apiserver/pkg/provider/helpers"
)

const annotationPrefix = "custom-metrics.kubeproof.dev/"

// window is what the values claim to average over; an annotation is a level, not a rate.
var window = int64(30)

type annotationProvider struct {
	client dynamic.Interface
	mapper apimeta.RESTMapper

	mu   sync.Mutex
	seen map[provider.CustomMetricInfo]bool // for discovery: every metric asked for so far
}

func (p *annotationProvider) remember(info provider.CustomMetricInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen[info] = true
}

func (p *annotationProvider) ListAllMetrics() []provider.CustomMetricInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]provider.CustomMetricInfo, 0, len(p.seen))
	for info := range p.seen {
		out = append(out, info)
	}
	return out
}

// value reads the metric from one object; ok is false when the object reports nothing.
func (p *annotationProvider) value(obj *unstructured.Unstructured, info provider.CustomMetricInfo) (*custom_metrics.MetricValue, bool, error) {
	raw, found := obj.GetAnnotations()[annotationPrefix+info.Metric]
	if !found {
		return nil, false, nil
	}
	if obj.GetKind() == "Pod" {
		phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
		if phase != "Running" {
			return nil, false, nil
		}
	}
	q, err := resource.ParseQuantity(raw)
	if err != nil {
		return nil, false, apierrors.NewBadRequest(fmt.Sprintf("%s %s/%s: annotation %s%s=%q is not a quantity: %v",
			obj.GetKind(), obj.GetNamespace(), obj.GetName(), annotationPrefix, info.Metric, raw, err))
	}
	return &custom_metrics.MetricValue{
		DescribedObject: custom_metrics.ObjectReference{
			APIVersion: obj.GetAPIVersion(),
			Kind:       obj.GetKind(),
			Namespace:  obj.GetNamespace(),
			Name:       obj.GetName(),
		},
		Metric:        custom_metrics.MetricIdentifier{Name: info.Metric},
		Timestamp:     metav1.Now(),
		WindowSeconds: &window,
		Value:         q,
	}, true, nil
}

func (p *annotationProvider) resource(info provider.CustomMetricInfo, namespace string) (dynamic.ResourceInterface, error) {
	gvr, err := helpers.ResourceFor(p.mapper, info)
	if err != nil {
		return nil, err
	}
	if info.Namespaced {
		return p.client.Resource(gvr).Namespace(namespace), nil
	}
	return p.client.Resource(gvr), nil
}

func (p *annotationProvider) GetMetricByName(ctx context.Context, name types.NamespacedName, info provider.CustomMetricInfo, _ labels.Selector) (*custom_metrics.MetricValue, error) {
	p.remember(info)
	res, err := p.resource(info, name.Namespace)
	if err != nil {
		return nil, err
	}
	obj, err := res.Get(ctx, name.Name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	v, ok, err := p.value(obj, info)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, provider.NewMetricNotFoundForError(info.GroupResource, info.Metric, name.Name)
	}
	return v, nil
}

func (p *annotationProvider) GetMetricBySelector(ctx context.Context, namespace string, selector labels.Selector, info provider.CustomMetricInfo, _ labels.Selector) (*custom_metrics.MetricValueList, error) {
	p.remember(info)
	res, err := p.resource(info, namespace)
	if err != nil {
		return nil, err
	}
	list, err := res.List(ctx, metav1.ListOptions{LabelSelector: selector.String()})
	if err != nil {
		return nil, err
	}
	out := &custom_metrics.MetricValueList{Items: []custom_metrics.MetricValue{}}
	for i := range list.Items {
		v, ok, err := p.value(&list.Items[i], info)
		if err != nil {
			return nil, err
		}
		if ok {
			out.Items = append(out.Items, *v)
		}
	}
	return out, nil
}

func main() {
	logs.InitLogs()
	defer logs.FlushLogs()

	cmd := &basecmd.AdapterBase{Name: "kubeproof-custom-metrics", DiscoveryInterval: 10 * time.Second}
	if err := cmd.Flags().Parse(os.Args[1:]); err != nil {
		klog.Fatalf("flags: %v", err)
	}
	client, err := cmd.DynamicClient()
	if err != nil {
		klog.Fatalf("a client for the cluster: %v", err)
	}
	mapper, err := cmd.RESTMapper()
	if err != nil {
		klog.Fatalf("the cluster's API discovery: %v", err)
	}
	cmd.WithCustomMetrics(&annotationProvider{client: client, mapper: mapper, seen: map[provider.CustomMetricInfo]bool{}})
	klog.Infof("serving custom.metrics.k8s.io from annotations %s<metric>", annotationPrefix)
	if err := cmd.Run(context.Background()); err != nil {
		klog.Fatalf("serving: %v", err)
	}
}
