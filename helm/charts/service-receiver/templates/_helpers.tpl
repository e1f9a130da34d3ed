{{/*
Expand the name of the chart.
*/}}
{{- define "service-receiver.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "service-receiver.fullname" -}}
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
{{- define "service-receiver.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "service-receiver.labels" -}}
helm.sh/chart: {{ include "service-receiver.chart" . }}
{{ include "service-receiver.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: receiver
app.kubernetes.io/part-of: log-analysis
{{- end }}

{{/*
Selector labels
*/}}
{{- define "service-receiver.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service-receiver.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "service-receiver.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "service-receiver.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Container image: [global.imageRegistry/]repository:tag; the tag defaults to the chart appVersion (never "latest").
*/}}
{{- define "service-receiver.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- $registry := .Values.image.registry | default .Values.global.imageRegistry -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .Values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end }}

{{/*
EXTRACTOR_URL: config.extractorUrl, else global.extractorUrl (both may hold templates), else the in-cluster
Service of the service-log-extractor subchart of this release, named as its fullname helper names it.
*/}}
{{- define "service-receiver.extractorUrl" -}}
{{- $url := .Values.config.extractorUrl | default .Values.global.extractorUrl -}}
{{- if $url -}}
{{- tpl $url . -}}
{{- else -}}
{{- $name := "service-log-extractor" -}}
{{- $host := ternary .Release.Name (printf "%s-%s" .Release.Name $name) (contains $name .Release.Name) | trunc 63 | trimSuffix "-" -}}
{{- printf "http://%s:8080" $host -}}
{{- end -}}
{{- end }}
