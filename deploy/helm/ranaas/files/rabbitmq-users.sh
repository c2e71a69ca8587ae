#!/bin/sh
# One RabbitMQ user per RANaaS service, each with only the rights its part needs (SECURITY.md, "What each
# service may do"; the names are those of src/bus/topology.ts). Run against a running broker by the
# chart's bundled RabbitMQ and by the local stack (stack/up.sh); safe to run again. Each password comes
# from RANAAS_AMQP_PASSWORD_<SERVICE> and reaches rabbitmqctl on stdin, never on its command line.
#
# RabbitMQ checks configure (declare, delete), write (publish; bind a queue) and read (consume; bind from
# an exchange) against these patterns; publishing through the default exchange is a write on
# `amq.default`, which lets a user publish to any queue, so only the API (requests to the orchestrator)
# and the orchestrator (its replies) have it. Topic permissions limit the routing keys each publisher
# may use on the reports exchange.
set -eu
vhost="${RANAAS_AMQP_VHOST:-/}"
users=$(rabbitmqctl -q --no-table-headers list_users | cut -f1)

user() { # name password-variable configure write read
  password=$(printenv "$2") || { echo "rabbitmq-users: $2 is not set" >&2; exit 1; }
  if printf '%s\n' "$users" | grep -qx "$1"; then
    printf '%s' "$password" | rabbitmqctl -q change_password "$1" >/dev/null
  else
    printf '%s' "$password" | rabbitmqctl -q add_user "$1" >/dev/null
  fi
  rabbitmqctl -q set_permissions -p "$vhost" "$1" "$3" "$4" "$5"
}

# The API: asks the orchestrator (default exchange, direct reply-to), sends commands, consumes reports,
# publishes and follows the replicas' change feed (ranaas.feed, each replica its own ranaas.feed.api.<id> queue),
# and follows the status service's feed (ranaas.status, each replica its own ranaas.status.api.<id> queue).
# It cannot consume or reshape the work queues, nor publish reports or statuses.
user ranaas-api RANAAS_AMQP_PASSWORD_API \
  '^ranaas\.(reports(\.api)?|feed(\.api\.[0-9a-f-]+)?|status(\.api\.[0-9a-f-]+)?)$' \
  '^(amq\.default|ranaas\.commands|ranaas\.reports\.api|ranaas\.feed(\.api\.[0-9a-f-]+)?|ranaas\.status\.api\.[0-9a-f-]+)$' \
  '^ranaas\.(reports(\.api)?|feed(\.api\.[0-9a-f-]+)?|status(\.api\.[0-9a-f-]+)?)$'
# The orchestrator: consumes its queue and replies to the asker. Queue depths are read passively.
user ranaas-orchestrator RANAAS_AMQP_PASSWORD_ORCHESTRATOR \
  '^ranaas\.orchestrator$' \
  '^amq\.default$' \
  '^ranaas\.orchestrator$'
# The worker: declares the commands topology, consumes the work queue, parks commands in the delay queue
# and publishes reports. It cannot publish through the default exchange (no orchestrator replies).
user ranaas-worker RANAAS_AMQP_PASSWORD_WORKER \
  '^ranaas\.(commands|work|work\.delay|work\.dead|reports)$' \
  '^ranaas\.(commands|work|work\.delay|work\.dead|reports)$' \
  '^ranaas\.(commands|work|work\.delay)$'
rabbitmqctl -q set_topic_permissions -p "$vhost" ranaas-worker ranaas.reports '^deployment\.' '^$'
# The status service: publishes drift reports and the status feed, nothing else.
user ranaas-status RANAAS_AMQP_PASSWORD_STATUS \
  '^ranaas\.(reports|status)$' \
  '^ranaas\.(reports|status)$' \
  '^$'
rabbitmqctl -q set_topic_permissions -p "$vhost" ranaas-status ranaas.reports '^drift\.' '^$'
