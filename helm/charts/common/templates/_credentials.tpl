{{/*
Credentials: the bearer tokens the services exchange. Each is one Secret for the whole release, shared by the
service that sends the token and the one that accepts it:
  extractorToken     EXTRACTOR_TOKEN      receiver (sends) -> extractor (accepts)
  resultsWriteToken  RESULTS_WRITE_TOKEN  extractor (sends) -> storage (accepts writes)
  resultsReadToken   RESULTS_READ_TOKEN   readers (send) -> storage (accepts reads)
The Secret is global.credentials.<credential>.existingSecret, else `<release>-<extractor-token|results-write-token|
results-read-token>`, which the log-analysis umbrella chart creates (a service chart installed alone expects it to
exist); the token(s) are under global.credentials.<credential>.key (default `token`). The umbrella chart and the
service charts use these templates, so they agree on the names.
*/}}

{{/*
common.credentials.table: credential -> its environment variable and the suffix of its default Secret name (YAML,
read with fromYaml).
*/}}
{{- define "common.credentials.table" -}}
extractorToken: {env: EXTRACTOR_TOKEN, secret: extractor-token}
resultsWriteToken: {env: RESULTS_WRITE_TOKEN, secret: results-write-token}
resultsReadToken: {env: RESULTS_READ_TOKEN, secret: results-read-token}
{{- end }}

{{- define "common.credentials.entry" -}}
{{- $entry := get (fromYaml (include "common.credentials.table" .)) .credential -}}
{{- if not $entry -}}
{{- fail (printf "common.credentials: unknown credential %q (extractorToken, resultsWriteToken, resultsReadToken)" .credential) -}}
{{- end -}}
{{- toYaml $entry -}}
{{- end }}

{{/*
common.credentials.secretName: the name of the Secret holding a credential: global.credentials.<credential>.existingSecret,
else <release>-<suffix>.
  (dict "context" $ "credential" "extractorToken")
*/}}
{{- define "common.credentials.secretName" -}}
{{- $entry := fromYaml (include "common.credentials.entry" .) -}}
{{- dig "credentials" .credential "existingSecret" "" (.context.Values.global | default dict) | default (printf "%s-%s" .context.Release.Name $entry.secret) -}}
{{- end }}

{{/*
common.credentials.key: the key of the Secret holding the token(s): global.credentials.<credential>.key, else `token`.
  (dict "context" $ "credential" "extractorToken")
*/}}
{{- define "common.credentials.key" -}}
{{- $_ := include "common.credentials.entry" . -}}
{{- dig "credentials" .credential "key" "" (.context.Values.global | default dict) | default "token" -}}
{{- end }}

{{/*
common.credentials.env: EnvVar entries of the given credentials, each from its Secret (secretKeyRef), never from the
ConfigMap; renders nothing for an empty list.
  (dict "context" $ "credentials" (list "extractorToken" "resultsWriteToken"))
*/}}
{{- define "common.credentials.env" -}}
{{- $ctx := .context -}}
{{- $seen := dict -}}
{{- range (get . "credentials" | default (list)) }}
{{- $at := printf "%s/%s" (include "common.credentials.secretName" (dict "context" $ctx "credential" .)) (include "common.credentials.key" (dict "context" $ctx "credential" .)) }}
{{- if hasKey $seen $at }}
{{- fail (printf "global.credentials: %s and %s are the same Secret key (%s): each credential needs its own token (the service would refuse to start)" (get $seen $at) . $at) }}
{{- end }}
{{- $_ := set $seen $at . }}
{{- end }}
{{- range (get . "credentials" | default (list)) }}
{{- $ref := dict "context" $ctx "credential" . }}
- name: {{ (fromYaml (include "common.credentials.entry" $ref)).env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "common.credentials.secretName" $ref | quote }}
      key: {{ include "common.credentials.key" $ref | quote }}
{{- end }}
{{- end }}
