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
Container image: [global.imageRegistry/]repository:tag; the tag defaults to the chart appVersion (never "latest").
*/}}
{{- define "service-log-extractor.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- $registry := .Values.image.registry | default .Values.global.imageRegistry -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .Values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
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
