{{/* Helpers of the h2otel chart, namespaced "h2otel." (names truncated to the 63-character DNS limit). */}}

{{- define "h2otel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "h2otel.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "h2otel.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "h2otel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "h2otel.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "h2otel.labels" -}}
helm.sh/chart: {{ include "h2otel.chart" . }}
{{ include "h2otel.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: h2otel
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "h2otel.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "h2otel.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "h2otel.serviceName" -}}
{{- default (include "h2otel.fullname" .) .Values.otel.serviceName }}
{{- end }}

{{/* The configuration file: files/config.yaml, then the drain period and downstream URL from values,
     then .Values.config deep-merged over it. */}}
{{- define "h2otel.config" -}}
{{- $base := .Files.Get "files/config.yaml" | fromYaml }}
{{- $service := dict "shutdown_grace_ms" (mul .Values.shutdown.drainSeconds 1000) }}
{{- with .Values.downstreamUrl }}
{{- $_ := set $service "downstream" (dict "url" .) }}
{{- end }}
{{- $base = mustMergeOverwrite $base (dict "service" $service) }}
{{- mustMergeOverwrite $base (deepCopy .Values.config) | toYaml }}
{{- end }}

{{/* OTEL_RESOURCE_ATTRIBUTES: the downward-API variables first, then the user's extra attributes. */}}
{{- define "h2otel.resourceAttributes" -}}
{{- $attrs := list "k8s.pod.name=$(K8S_POD_NAME)" "k8s.namespace.name=$(K8S_NAMESPACE_NAME)" "k8s.node.name=$(K8S_NODE_NAME)" "k8s.pod.uid=$(K8S_POD_UID)" (printf "k8s.deployment.name=%s" (include "h2otel.fullname" .)) (printf "service.version=%s" (.Values.image.tag | default .Chart.AppVersion)) }}
{{- range $k, $v := .Values.otel.resourceAttributes }}
{{- $attrs = append $attrs (printf "%s=%v" $k $v) }}
{{- end }}
{{- join "," $attrs }}
{{- end }}

{{/* Fails the install on value combinations the schema cannot express. */}}
{{- define "h2otel.validateValues" -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not .Values.autoscaling.enabled) (ge (int .Values.podDisruptionBudget.minAvailable) (int .Values.replicaCount)) }}
{{- fail "podDisruptionBudget.minAvailable must be below replicaCount, or no pod could ever be evicted" }}
{{- end }}
{{- if and .Values.debug.enabled .Values.autoscaling.enabled }}
{{- fail "debug.enabled runs one process stopped in gdbserver: disable autoscaling" }}
{{- end }}
{{- end }}
