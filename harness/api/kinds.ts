// Typed shapes of the kinds the specs handle: client-node's models joined with our KubeObject.
import type * as k8s from "@kubernetes/client-node";
import type { KubeObject } from "./client.ts";

type K<T> = T & KubeObject;
export type Pod = K<k8s.V1Pod>;
export type Job = K<k8s.V1Job>;
export type CronJob = K<k8s.V1CronJob>;
export type DaemonSet = K<k8s.V1DaemonSet>;
export type Deployment = K<k8s.V1Deployment>;
export type Node = K<k8s.V1Node>;
export type ResourceQuota = K<k8s.V1ResourceQuota>;
export type HPA = K<k8s.V2HorizontalPodAutoscaler>;
export type PersistentVolume = K<k8s.V1PersistentVolume>;
export type PersistentVolumeClaim = K<k8s.V1PersistentVolumeClaim>;
export type StorageClass = K<k8s.V1StorageClass>;
export type ConfigMap = K<k8s.V1ConfigMap>;
export type Service = K<k8s.V1Service>;
export type EndpointSlice = K<k8s.V1EndpointSlice>;
export type Toleration = k8s.V1Toleration;
/** A core/v1 Event (what kubectl get events shows). */
export type CoreEvent = K<k8s.CoreV1Event>;

export type { KubeObject } from "./client.ts";
