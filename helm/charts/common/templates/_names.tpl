{{/*
Names. Every template here takes the calling chart's root context (`include "common.fullname" .`) unless it says
otherwise; `.Chart` is then the calling chart (its name, version and appVersion), not this library.
*/}}

{{/*
common.name: the chart name, or nameOverride (the app.kubernetes.io/name label).
*/}}
{{- define "common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
common.fullname: fullnameOverride, else <release>-<name>; the release name alone when it already contains the name.
Truncated at 63 characters (DNS names).
*/}}
{{- define "common.fullname" -}}
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
common.chart: <chart>-<version>, the helm.sh/chart label.
*/}}
{{- define "common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
common.serviceAccountName: serviceAccount.name, else the full name when serviceAccount.create, else `default`.
*/}}
{{- define "common.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "common.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
common.peerFullname: the full name another chart of this release (a sibling subchart of the umbrella) gives its
resources by default, e.g. its Service; a subchart cannot see its siblings' values, so their overrides are not known.
  (dict "context" $ "chart" "service-log-extractor")
*/}}
{{- define "common.peerFullname" -}}
{{- $release := .context.Release.Name -}}
{{- ternary $release (printf "%s-%s" $release .chart) (contains .chart $release) | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/*
common.peerUrl: `url` when set (it may hold templates, rendered with the caller's context), else
http://<the sibling chart's Service>:8080.
  (dict "context" $ "chart" "service-log-extractor" "url" (.Values.config.extractorUrl | default .Values.global.extractorUrl))
*/}}
{{- define "common.peerUrl" -}}
{{- with (get . "url") -}}
{{- tpl . $.context -}}
{{- else -}}
{{- printf "http://%s:8080" (include "common.peerFullname" .) -}}
{{- end -}}
{{- end }}
