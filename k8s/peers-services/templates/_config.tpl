{{/*
What a service's container receives: non-secret settings (its ConfigMap) and credentials
(environment variables that reference Secrets). Secrets never enter a ConfigMap.
*/}}

{{- define "peers-services.postgresqlCaPath" -}}/etc/peers/postgresql-ca/ca.crt{{- end -}}
{{- define "peers-services.kafkaCaPath" -}}/etc/peers/kafka-ca/ca.crt{{- end -}}

{{/*
Non-secret environment of one service, as YAML (the data of its ConfigMap).
Argument: (dict "root" $ "name" $name "svc" $svc).
*/}}
{{- define "peers-services.configData" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
{{- $data := dict -}}
{{- $_ := set $data "QUARKUS_HTTP_PORT" (toString $svc.containerPorts.http) -}}
{{- $_ := set $data "QUARKUS_MANAGEMENT_PORT" (toString $svc.containerPorts.management) -}}
{{- $_ := set $data "QUARKUS_SHUTDOWN_TIMEOUT" $svc.shutdownTimeout -}}
{{- $_ := set $data "JDK_JAVA_OPTIONS" $svc.javaOptions -}}
{{- if $v.proxy.forwarding -}}
{{- $_ := set $data "QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING" "true" -}}
{{- $_ := set $data "QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED" "true" -}}
{{- with $v.proxy.trustedProxies -}}
{{- $_ := set $data "QUARKUS_HTTP_PROXY_TRUSTED_PROXIES" (join "," .) -}}
{{- end -}}
{{- end -}}
{{- if has "postgresql" $svc.uses -}}
{{- $pg := $v.postgresql -}}
{{- $mode := $pg.tls.mode -}}
{{- $jdbcParams := list (printf "sslmode=%s" $mode) -}}
{{- if $pg.tls.caSecret -}}
{{- $jdbcParams = append $jdbcParams (printf "sslrootcert=%s" (include "peers-services.postgresqlCaPath" $root)) -}}
{{- end -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_JDBC_URL" (printf "jdbc:postgresql://%s:%v/%s?%s" $pg.host $pg.port $pg.database (join "&" $jdbcParams)) -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_REACTIVE_URL" (printf "postgresql://%s:%v/%s" $pg.host $pg.port $pg.database) -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE" $mode -}}
{{- if or (eq $mode "verify-ca") (eq $mode "verify-full") -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM" "true" -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS" (include "peers-services.postgresqlCaPath" $root) -}}
{{- if eq $mode "verify-full" -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM" "HTTPS" -}}
{{- end -}}
{{- else if or (eq $mode "require") (eq $mode "prefer") -}}
{{- /* libpq semantics: encrypted, the certificate not checked (set verify-ca/verify-full and a CA to check it). */ -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_REACTIVE_TRUST_ALL" "true" -}}
{{- end -}}
{{- if not (and $pg.auth.existingSecret $pg.auth.existingSecretUsernameKey) -}}
{{- $_ := set $data "QUARKUS_DATASOURCE_USERNAME" $pg.auth.username -}}
{{- end -}}
{{- end -}}
{{- if has "kafka" $svc.uses -}}
{{- $k := $v.kafka -}}
{{- $_ := set $data "KAFKA_BOOTSTRAP_SERVERS" $k.bootstrapServers -}}
{{- $protocol := "PLAINTEXT" -}}
{{- if and $k.tls.enabled $k.sasl.enabled -}}{{- $protocol = "SASL_SSL" -}}
{{- else if $k.tls.enabled -}}{{- $protocol = "SSL" -}}
{{- else if $k.sasl.enabled -}}{{- $protocol = "SASL_PLAINTEXT" -}}
{{- end -}}
{{- $_ := set $data "KAFKA_SECURITY_PROTOCOL" $protocol -}}
{{- if and $k.tls.enabled $k.tls.caSecret -}}
{{- $_ := set $data "KAFKA_SSL_TRUSTSTORE_TYPE" "PEM" -}}
{{- $_ := set $data "KAFKA_SSL_TRUSTSTORE_LOCATION" (include "peers-services.kafkaCaPath" $root) -}}
{{- end -}}
{{- if $k.sasl.enabled -}}
{{- $_ := set $data "KAFKA_SASL_MECHANISM" $k.sasl.mechanism -}}
{{- end -}}
{{- end -}}
{{- if has "s3" $svc.uses -}}
{{- $_ := set $data "PEERS_S3_ENDPOINT" $v.s3.endpoint -}}
{{- $_ := set $data "PEERS_S3_REGION" $v.s3.region -}}
{{- $_ := set $data "PEERS_S3_PATH_STYLE" (toString $v.s3.pathStyle) -}}
{{- end -}}
{{- if eq $v.discovery.servedBy .name -}}
{{- $services := include "peers-services.services" $root | fromYaml -}}
{{- range $other := keys $services | sortAlpha -}}
{{- $d := (get $services $other).discovery -}}
{{- if $d.name -}}
{{- $_ := set $data (printf "PEERS_REGISTRY_DISCOVERY_SERVICES_%s" (upper $d.name)) $d.basePath -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := $svc.config -}}
{{- $_ := set $data $key (tpl (toString $value) $root) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
Secret-backed environment of one service: a list of EnvVar. Credentials given as values live in
chart-made Secrets; `existingSecret` points at the operator's own.
Argument: (dict "root" $ "name" $name "svc" $svc).
*/}}
{{- define "peers-services.secretEnv" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
{{- if has "postgresql" $svc.uses }}
{{- $pg := $v.postgresql.auth }}
{{- if and $pg.existingSecret $pg.existingSecretUsernameKey }}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $pg.existingSecret | quote }}
      key: {{ $pg.existingSecretUsernameKey | quote }}
{{- end }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "peers-services.postgresqlSecretName" $root | quote }}
      key: {{ ternary $pg.existingSecretPasswordKey "password" (ne $pg.existingSecret "") | quote }}
{{- end }}
{{- if and (has "kafka" $svc.uses) $v.kafka.sasl.enabled }}
{{- $sasl := $v.kafka.sasl }}
- name: PEERS_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "peers-services.kafkaSecretName" $root | quote }}
      key: {{ ternary $sasl.existingSecretPasswordKey "password" (ne $sasl.existingSecret "") | quote }}
{{- /* Kubernetes expands $(PEERS_KAFKA_SASL_PASSWORD) from the variable above: the password stays in the Secret. */}}
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"$(PEERS_KAFKA_SASL_PASSWORD)\";" $sasl.username | quote }}
{{- end }}
{{- if has "s3" $svc.uses }}
{{- $s3 := $v.s3.auth }}
- name: PEERS_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "peers-services.s3SecretName" $root | quote }}
      key: {{ ternary $s3.existingSecretAccessKeyIdKey "access-key-id" (ne $s3.existingSecret "") | quote }}
- name: PEERS_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "peers-services.s3SecretName" $root | quote }}
      key: {{ ternary $s3.existingSecretSecretAccessKeyKey "secret-access-key" (ne $s3.existingSecret "") | quote }}
{{- end }}
{{- range $key := keys $svc.secrets | sortAlpha }}
{{- $secret := get $svc.secrets $key }}
{{- if $secret.existingSecret }}
- name: {{ $secret.env | quote }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret.existingSecret | quote }}
      key: {{ $secret.existingSecretKey | quote }}
{{- else if $secret.value }}
- name: {{ $secret.env | quote }}
  valueFrom:
    secretKeyRef:
      name: {{ include "peers-services.serviceFullname" (dict "root" $root "name" $.name) | quote }}
      key: {{ $key | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Whether a service has credentials given as values (so the chart makes a Secret for it). Returns "true" or "". */}}
{{- define "peers-services.hasInlineSecrets" -}}
{{- range $key, $secret := .svc.secrets -}}
{{- if and $secret.value (not $secret.existingSecret) -}}true{{- end -}}
{{- end -}}
{{- end -}}
