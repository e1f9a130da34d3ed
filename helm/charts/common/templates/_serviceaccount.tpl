{{/*
common.serviceAccount: the pods' ServiceAccount when serviceAccount.create, with the IRSA annotation
(serviceAccount.roleArn) and serviceAccount.annotations; renders nothing otherwise.
*/}}
{{- define "common.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common.serviceAccountName" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
  {{- if or .Values.serviceAccount.roleArn .Values.serviceAccount.annotations }}
  annotations:
    {{- with .Values.serviceAccount.roleArn }}
    # IRSA: the EKS pod identity webhook gives pods of this account credentials of this IAM role
    eks.amazonaws.com/role-arn: {{ . | quote }}
    {{- end }}
    {{- with .Values.serviceAccount.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
# the Kubernetes API token; IRSA's web identity token is a volume of its own, added by the EKS webhook
automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
{{- end }}
{{- end }}
