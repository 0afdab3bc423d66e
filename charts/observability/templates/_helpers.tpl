{{/* Helpers of the observability chart, namespaced "observability.". */}}

{{- define "observability.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of one component: include with (dict "ctx" $ "component" "tempo" "version" "2.8.2"). */}}
{{- define "observability.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end }}

{{- define "observability.labels" -}}
helm.sh/chart: {{ include "observability.chart" .ctx }}
{{ include "observability.selectorLabels" . }}
app.kubernetes.io/version: {{ .version | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: h2otel-observability
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end }}

{{/* Pod security context shared by every component (all images run as non-root users). */}}
{{- define "observability.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "observability.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end }}
