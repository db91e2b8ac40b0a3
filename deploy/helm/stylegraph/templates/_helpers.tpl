{{/* The release's full name, at most 63 characters. */}}
{{- define "stylegraph.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "stylegraph.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component (serve, worker, migrate, recompute). */}}
{{- define "stylegraph.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Pod labels: the component's selector plus the version and chart. */}}
{{- define "stylegraph.podLabels" -}}
{{ include "stylegraph.selector" . }}
app.kubernetes.io/version: {{ .root.Values.image.tag | default .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "stylegraph.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "stylegraph.fullname" .) -}}
{{- end -}}

{{- define "stylegraph.secretName" -}}
{{- .Values.secret.existingSecret | default (printf "%s-env" (include "stylegraph.fullname" .)) -}}
{{- end -}}

{{- define "stylegraph.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Environment of every container: the ConfigMap, then the Secret. */}}
{{- define "stylegraph.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "stylegraph.fullname" . }}-env
  - secretRef:
      name: {{ include "stylegraph.secretName" . }}
{{- end -}}

{{/* Writable folders on a read-only root: /tmp and the working directory's archive/. */}}
{{- define "stylegraph.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  - name: archive
    mountPath: /home/nonroot/archive
{{- end -}}
{{- define "stylegraph.volumes" -}}
volumes:
  - name: tmp
    emptyDir: {}
  - name: archive
    emptyDir: {}
{{- end -}}

{{/* Pod spec shared by every workload: account, security, pull secrets. */}}
{{- define "stylegraph.podCommon" -}}
serviceAccountName: {{ include "stylegraph.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.roleArn | ne "" }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
