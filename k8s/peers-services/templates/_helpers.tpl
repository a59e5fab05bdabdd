{{/*
Names, labels and the per-service values every template shares.
*/}}

{{- define "peers-services.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart>, or the release name alone when it already contains the chart name. */}}
{{- define "peers-services.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a service's objects: <fullname>-<service>. Argument: (dict "root" $ "name" $name). */}}
{{- define "peers-services.serviceFullname" -}}
{{- printf "%s-%s" (include "peers-services.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "peers-services.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "peers-services.labels" -}}
helm.sh/chart: {{ include "peers-services.chart" . }}
{{ include "peers-services.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: peers-services
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "peers-services.selectorLabels" -}}
app.kubernetes.io/name: {{ include "peers-services.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of a service's objects. Argument: (dict "root" $ "name" $name). */}}
{{- define "peers-services.serviceLabels" -}}
{{ include "peers-services.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Selector of a service's pods. Argument: (dict "root" $ "name" $name). */}}
{{- define "peers-services.serviceSelectorLabels" -}}
{{ include "peers-services.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* commonAnnotations merged with the given map, as a YAML block (empty when none). Argument: (dict "root" $ "annotations" $map). */}}
{{- define "peers-services.annotations" -}}
{{- $all := merge (deepCopy (default (dict) .annotations)) (deepCopy (default (dict) .root.Values.commonAnnotations)) -}}
{{- if $all }}
{{- toYaml $all }}
{{- end }}
{{- end -}}

{{/*
Deep merge of two maps where the second wins, including false, 0 and "" (Sprig's merge and
mergeOverwrite treat those as "empty" and would let a default `enabled: true` beat a service's
`enabled: false`). Maps merge key by key; lists and scalars are replaced. Returns YAML.
Argument: (list $base $override).
*/}}
{{- define "peers-services.mergeValues" -}}
{{- $base := index . 0 -}}
{{- $override := index . 1 -}}
{{- $out := deepCopy $base -}}
{{- range $key, $value := $override -}}
{{- $current := get $out $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- $_ := set $out $key (include "peers-services.mergeValues" (list $current $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
Every service entry merged over `defaults`, enabled or not, as YAML: { <name>: <values> }.
Computed once per render and kept on the root context: every template asks for it, and the merge
is the costliest part of rendering.
*/}}
{{- define "peers-services.allServices" -}}
{{- if not (hasKey . "peersServicesAll") -}}
{{- $_ := set . "peersServicesAll" (include "peers-services.mergeAllServices" .) -}}
{{- end -}}
{{- get . "peersServicesAll" -}}
{{- end -}}

{{- define "peers-services.mergeAllServices" -}}
{{- $out := dict -}}
{{- range $name, $entry := .Values.services -}}
{{- $_ := set $out $name (include "peers-services.mergeValues" (list $.Values.defaults (default (dict) $entry)) | fromYaml) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* The enabled services merged over `defaults`, as YAML: { <name>: <values> }. Use with fromYaml. */}}
{{- define "peers-services.services" -}}
{{- if not (hasKey . "peersServicesEnabled") -}}
{{- $_ := set . "peersServicesEnabled" (include "peers-services.enabledServices" .) -}}
{{- end -}}
{{- get . "peersServicesEnabled" -}}
{{- end -}}

{{- define "peers-services.enabledServices" -}}
{{- $out := dict -}}
{{- range $name, $svc := (include "peers-services.allServices" . | fromYaml) -}}
{{- if $svc.enabled -}}
{{- $_ := set $out $name $svc -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Image reference. Argument: (dict "root" $ "image" $imageValues). */}}
{{- define "peers-services.image" -}}
{{- $registry := default .image.registry .root.Values.global.imageRegistry -}}
{{- $ref := .image.repository -}}
{{- if $registry -}}
{{- $ref = printf "%s/%s" $registry $ref -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (default .root.Chart.AppVersion (toString .image.tag)) -}}
{{- end -}}
{{- end -}}

{{/* imagePullSecrets of a pod spec, or nothing. */}}
{{- define "peers-services.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* ServiceAccount name of a service. Argument: (dict "root" $ "name" $name "svc" $svc). */}}
{{- define "peers-services.serviceAccountName" -}}
{{- if .svc.serviceAccount.create -}}
{{- default (include "peers-services.serviceFullname" .) .svc.serviceAccount.name -}}
{{- else -}}
{{- default "default" .svc.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Chart-made Secrets. */}}
{{- define "peers-services.postgresqlSecretName" -}}
{{- default (printf "%s-postgresql" (include "peers-services.fullname" .)) .Values.postgresql.auth.existingSecret -}}
{{- end -}}

{{- define "peers-services.kafkaSecretName" -}}
{{- default (printf "%s-kafka" (include "peers-services.fullname" .)) .Values.kafka.sasl.existingSecret -}}
{{- end -}}

{{- define "peers-services.s3SecretName" -}}
{{- default (printf "%s-s3" (include "peers-services.fullname" .)) .Values.s3.auth.existingSecret -}}
{{- end -}}

{{/* Whether any enabled service uses a given store. Argument: (dict "root" $ "store" "postgresql"). Returns "true" or "". */}}
{{- define "peers-services.anyUses" -}}
{{- range $name, $svc := (include "peers-services.services" .root | fromYaml) -}}
{{- if has $.store $svc.uses -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* Public base URL of the host, or "" when neither Ingress nor Gateway API is enabled. */}}
{{- define "peers-services.publicUrl" -}}
{{- if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.hostname -}}
{{- else if .Values.gatewayAPI.enabled -}}
{{- printf "%s://%s" .Values.gatewayAPI.scheme .Values.hostname -}}
{{- end -}}
{{- end -}}

{{/* Routes of the enabled services, sorted by service name, as YAML: { routes: [ {service, path, pathType, websocket, streaming, kind} ] }; kind is "plain", "websocket" or "streaming". */}}
{{- define "peers-services.routes" -}}
{{- $routes := list -}}
{{- $services := include "peers-services.services" . | fromYaml -}}
{{- range $name := keys $services | sortAlpha -}}
{{- range (get $services $name).routes -}}
{{- $kind := ternary "websocket" (ternary "streaming" "plain" (default false .streaming)) (default false .websocket) -}}
{{- $routes = append $routes (dict "service" $name "path" .path "pathType" .pathType "websocket" (default false .websocket) "streaming" (default false .streaming) "kind" $kind) -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "routes" $routes) -}}
{{- end -}}

{{/* Label that lets a pod of the release namespace reach every service's HTTP port through the NetworkPolicy (the helm test pod carries it). */}}
{{- define "peers-services.clientLabel" -}}
{{- printf "%s-client" (include "peers-services.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
