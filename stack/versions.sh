# Versions of the local stack's components (sourced by the stack scripts).
# Change a version here and `ranaas stack install` builds it into a fresh cache folder.
KUBERNETES_VERSION=1.36.3
ETCD_VERSION=3.6.16
KWOK_VERSION=0.8.0
FERRETDB_VERSION=1.24.2
HELM_VERSION=3.22.0
