{{/*
NetworkPolicies. Ingress is what differs between the services, so each chart builds its ingress rules with the
helpers below and passes them in; egress is the same everywhere (the cluster DNS, HTTPS to networkPolicy.egress.awsCidrs,
the next service's pods, networkPolicy.egress.extra) and opt-in (networkPolicy.egress.enabled).
*/}}

{{/*
common.networkPolicy: a NetworkPolicy when networkPolicy.enabled (renders nothing otherwise). `ingress` is a list of
rule blocks (YAML lists, as the helpers below render them); empty ones are dropped, and no rule at all renders
`ingress: []` (deny all ingress). The optional keys name other pods of the chart than its Deployment's.
  (dict "context" $
        "comment" <string, optional: what the policy admits, a comment in the manifest; may span lines>
        "ingress" (list (include "common.networkPolicy.fromPods" ...) (include "common.networkPolicy.fromSelectors" ...) ...)
        "awsApis" <string: the AWS APIs the pods call, a comment on the HTTPS egress rule>
        "egressTo" (list (dict "comment" "the extractor (POST /extract)" "labels" <matchLabels YAML>)), optional
        "name" / "labels" / "selectorLabels" <optional: metadata.name, labels, podSelector.matchLabels (YAML)>)
*/}}
{{- define "common.networkPolicy" -}}
{{- $ctx := .context -}}
{{- $np := $ctx.Values.networkPolicy -}}
{{- if $np.enabled -}}
{{- $rules := list -}}
{{- range (get . "ingress" | default (list)) }}{{ with trim . }}{{ $rules = append $rules . }}{{ end }}{{ end -}}
{{- with (get . "comment") }}
{{- range splitList "\n" . }}
# {{ . }}
{{- end }}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ get . "name" | default (include "common.fullname" $ctx) }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- get . "labels" | default (include "common.labels" $ctx) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- get . "selectorLabels" | default (include "common.selectorLabels" $ctx) | nindent 6 }}
  policyTypes:
    - Ingress
    {{- if $np.egress.enabled }}
    - Egress
    {{- end }}
  {{- if $rules }}
  ingress:
    {{- join "\n" $rules | nindent 4 }}
  {{- else }}
  ingress: []
  {{- end }}
  {{- if $np.egress.enabled }}
  egress:
    {{- include "common.networkPolicy.egressRules" . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
common.networkPolicy.fromPods: an ingress rule on port `http` from the pods of this namespace with `labels`.
  (dict "comment" "the receiver: POST /extract" "labels" (include "common.peerPodLabels" ...))
*/}}
{{- define "common.networkPolicy.fromPods" -}}
# {{ .comment }}
- from:
    - podSelector:
        matchLabels:
          {{- .labels | nindent 10 }}
  ports:
    - port: http
      protocol: TCP
{{- end }}

{{/*
common.networkPolicy.fromSelectors: an ingress rule on port `http` from the peer that `selectors` describes (its
namespaceSelector and/or podSelector, e.g. networkPolicy.metrics); nothing when both are empty.
  (dict "comment" "Prometheus: /metrics" "selectors" .Values.networkPolicy.metrics)
*/}}
{{- define "common.networkPolicy.fromSelectors" -}}
{{- $peer := dict -}}
{{- with .selectors.namespaceSelector }}{{ $_ := set $peer "namespaceSelector" . }}{{ end -}}
{{- with .selectors.podSelector }}{{ $_ := set $peer "podSelector" . }}{{ end -}}
{{- if $peer -}}
# {{ .comment }}
- from:
    - {{ toYaml $peer | indent 6 | trim }}
  ports:
    - port: http
      protocol: TCP
{{- end -}}
{{- end }}

{{/*
common.networkPolicy.extraIngress: networkPolicy.extraIngress (further rules, as given); takes the root context.
*/}}
{{- define "common.networkPolicy.extraIngress" -}}
{{- with .Values.networkPolicy.extraIngress }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
common.networkPolicy.egressRules: the cluster DNS (networkPolicy.egress.dns), HTTPS to networkPolicy.egress.awsCidrs,
the pods of `egressTo`, then networkPolicy.egress.extra. Takes common.networkPolicy's argument.
*/}}
{{- define "common.networkPolicy.egressRules" -}}
{{- $np := .context.Values.networkPolicy -}}
# the cluster DNS
- to:
    - namespaceSelector:
        {{- toYaml $np.egress.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml $np.egress.dns.podSelector | nindent 8 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
# AWS APIs over HTTPS: {{ .awsApis }}
- to:
    {{- range $np.egress.awsCidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    - port: 443
      protocol: TCP
{{- range (get . "egressTo" | default (list)) }}
# {{ .comment }}
- to:
    - podSelector:
        matchLabels:
          {{- .labels | nindent 10 }}
{{- end }}
{{- with $np.egress.extra }}
{{ toYaml . }}
{{- end }}
{{- end }}
