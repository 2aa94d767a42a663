// Waits on Services: whether a Service has somewhere to send its traffic.
import type { EndpointSlice } from "../api/kinds.ts";
import { met, notYet, onList } from "./conditions.ts";

/** The Service has at least one ready endpoint (an EndpointSlice of it lists a ready address). */
export function serviceServing(namespace: string, service: string, what: string) {
  return onList<EndpointSlice, EndpointSlice[]>(
    { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", namespace, labelSelector: `kubernetes.io/service-name=${service}` },
    `Service ${namespace}/${service} to have a ready endpoint (${what})`,
    "podStart",
    // An endpoint without a ready condition counts as ready (the API's own reading of it).
    (slices) => (slices.some((s) => s.endpoints?.some((e) => e.conditions?.ready !== false && e.addresses.length > 0)) ? met(slices) : notYet()),
  );
}

/**
 * Cluster DNS answers: its Service (kube-system/kube-dns, the name kubeadm, kind and the managed
 * clouds give it) has a ready endpoint. Pods that reach a Service by name need it; a new cluster
 * gets it a little after its nodes are Ready, so only the tests that resolve names wait for it.
 */
export function clusterDnsServing() {
  // The tests that wait for it need it to reach a Service by name; it is no claim of the tutorial.
  return { ...serviceServing("kube-system", "kube-dns", "cluster DNS, for pods that reach a Service by name"), suiteNeeds: "cluster DNS serving" };
}
