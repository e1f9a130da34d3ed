{{/*
Expand the name of the chart.
*/}}
{{- define "service-log-extractor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "service-log-extractor.fullname" -}}
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

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "service-log-extractor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "service-log-extractor.labels" -}}
helm.sh/chart: {{ include "service-log-extractor.chart" . }}
{{ include "service-log-extractor.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: extractor
app.kubernetes.io/part-of: log-analysis
{{- end }}

{{/*
Selector labels
*/}}
{{- define "service-log-extractor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service-log-extractor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "service-log-extractor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "service-log-extractor.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Container image: [registry/]repository@digest when image.digest is set, else [registry/]repository:tag with the tag
defaulting to the chart appVersion (never "latest").
*/}}
{{- define "service-log-extractor.image" -}}
{{- $registry := .Values.image.registry | default .Values.global.imageRegistry -}}
{{- $repository := .Values.image.repository -}}
{{- if $registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" .Values.image.digest) -}}
{{- fail (printf "image.digest must look like sha256:<64 hex digits>, got %q" .Values.image.digest) -}}
{{- end -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end }}

{{/*
Image pull policy: image.pullPolicy, else IfNotPresent for an image pinned by digest and Always for a tag (a tag
pushed again is picked up; the registry is asked only for the manifest).
*/}}
{{- define "service-log-extractor.imagePullPolicy" -}}
{{- .Values.image.pullPolicy | default (ternary "IfNotPresent" "Always" (not (empty .Values.image.digest))) -}}
{{- end }}

{{/*
Pod annotations of the checkov scan: without a digest the image is pinned by tag only, which CKV_K8S_43 flags.
*/}}
{{- define "service-log-extractor.checkovAnnotations" -}}
{{- if not .Values.image.digest -}}
checkov.io/skip1: CKV_K8S_43=pinned by tag by default (the digest exists only once the image is pushed); set image.digest to pin it
{{- end -}}
{{- end }}

{{/*
Topology spread constraints: topologySpreadConstraints (templated) if set, else one ScheduleAnyway constraint per
topologySpread.topologyKeys entry over this chart's pods of the same ReplicaSet.
*/}}
{{- define "service-log-extractor.topologySpreadConstraints" -}}
{{- if .Values.topologySpreadConstraints -}}
{{- tpl (toYaml .Values.topologySpreadConstraints) . -}}
{{- else if .Values.topologySpread.enabled -}}
{{- range .Values.topologySpread.topologyKeys }}
- maxSkew: {{ $.Values.topologySpread.maxSkew }}
  topologyKey: {{ . }}
  whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "service-log-extractor.selectorLabels" $ | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end -}}
{{- end }}

{{/*
STORAGE_URL: config.storageUrl, else global.storageUrl (both may hold templates), else the in-cluster
Service of the service-result-storage subchart of this release, named as its fullname helper names it.
*/}}
{{- define "service-log-extractor.storageUrl" -}}
{{- $url := .Values.config.storageUrl | default .Values.global.storageUrl -}}
{{- if $url -}}
{{- tpl $url . -}}
{{- else -}}
{{- $name := "service-result-storage" -}}
{{- $host := ternary .Release.Name (printf "%s-%s" .Release.Name $name) (contains $name .Release.Name) | trunc 63 | trimSuffix "-" -}}
{{- printf "http://%s:8080" $host -}}
{{- end -}}
{{- end }}

{{/*
Seconds between SIGTERM and SIGKILL: terminationGracePeriodSeconds, else gunicorn's graceful timeout (requests in
progress get that long after SIGTERM) plus terminationGraceMarginSeconds.
*/}}
{{- define "service-log-extractor.terminationGracePeriodSeconds" -}}
{{- if and (not (kindIs "invalid" .Values.terminationGracePeriodSeconds)) (ne (toString .Values.terminationGracePeriodSeconds) "") -}}
{{- .Values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- add (ceil .Values.gunicorn.gracefulTimeoutSeconds | int) (int .Values.terminationGraceMarginSeconds) -}}
{{- end -}}
{{- end }}

{{/*
Labels of the receiver pods of this release (matchLabels), as the service-receiver subchart sets them.
*/}}
{{- define "service-log-extractor.receiverPodLabels" -}}
{{- if .Values.networkPolicy.receiverPodLabels -}}
{{- toYaml .Values.networkPolicy.receiverPodLabels -}}
{{- else -}}
app.kubernetes.io/name: service-receiver
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- end }}

{{/*
Labels of the storage pods of this release (matchLabels), as the service-result-storage subchart sets them.
*/}}
{{- define "service-log-extractor.storagePodLabels" -}}
{{- if .Values.networkPolicy.storagePodLabels -}}
{{- toYaml .Values.networkPolicy.storagePodLabels -}}
{{- else -}}
app.kubernetes.io/name: service-result-storage
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- end }}
