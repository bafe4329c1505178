# Sourced by tests and benchmarks: nginx serving a directory on a free port of 127.0.0.1, as a
# static web server serves an OSTree repository to a fleet of devices.

# static_server_start DIR CONFDIR: starts nginx in the background with its configuration, pid and
# logs in CONFDIR; sets STATIC_URL, STATIC_LOG (the access log: its 10th field is the bytes sent)
# and STATIC_PID (kill it to stop). Returns 1 if it does not start listening.
static_server_start() {
  local dir=$1 conf=$2 port i
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  mkdir -p "$conf"
  cat >"$conf/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 1;
pid $conf/nginx.pid;
error_log $conf/error.log;
events {}
http {
  access_log $conf/access.log;
  default_type application/octet-stream;
  client_body_temp_path $conf;
  proxy_temp_path $conf;
  fastcgi_temp_path $conf;
  uwsgi_temp_path $conf;
  scgi_temp_path $conf;
  server {
    listen 127.0.0.1:$port;
    root $dir;
  }
}
CONF
  nginx -p "$conf" -c "$conf/nginx.conf" &
  STATIC_PID=$!
  STATIC_URL=http://127.0.0.1:$port
  STATIC_LOG=$conf/access.log
  for i in $(seq 200); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# static_server_bytes: the bytes nginx has sent since its log was last emptied.
static_server_bytes() {
  awk '{ sum += $10 } END { print sum + 0 }' "$STATIC_LOG"
}
