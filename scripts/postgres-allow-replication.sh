#!/bin/sh
# Run once by the postgres image when it creates the database (/docker-entrypoint-initdb.d/): lets the
# `replica` compose service stream from this primary as the database owner, with its password. A data
# volume created before this script was mounted needs the same line added to pg_hba.conf by hand.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "${PGDATA}/pg_hba.conf"
