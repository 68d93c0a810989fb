// Generates a large nginx configuration with the CORS patterns people really write:
// an origin allowlist map, OPTIONS if-blocks answering preflights, `always` headers,
// proxied APIs with proxy_hide_header, basic auth behind an OPTIONS exemption, static assets.

const ORIGIN_MAP = `    map $http_origin $cors_origin {
        default "";
        "~^https://([a-z0-9-]+\\.)?example\\.com$" $http_origin;
        "~^capacitor://localhost$" $http_origin;
        https://partner.example.org $http_origin;
    }
`;

function server(i) {
  const host = `api${i}.example.com`;
  return `
    server {
        listen 127.0.0.1:8080;
        server_name ${host};
        root /srv/www/site${i};

        location /api/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Access-Control-Allow-Credentials true always;
                add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE, PATCH" always;
                add_header Access-Control-Allow-Headers "Authorization, Content-Type, X-Request-Id" always;
                add_header Access-Control-Max-Age 600 always;
                add_header Vary Origin always;
                return 204;
            }
            add_header Access-Control-Allow-Origin $cors_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Access-Control-Expose-Headers "X-Request-Id" always;
            add_header Vary Origin always;
            proxy_hide_header Access-Control-Allow-Origin;
            proxy_set_header Host $host;
            proxy_pass http://127.0.0.1:9${String(i % 1000).padStart(3, '0')};
        }

        location /admin/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "https://admin.example.com" always;
                add_header Access-Control-Allow-Methods "GET, POST" always;
                add_header Access-Control-Allow-Headers "Authorization" always;
                return 204;
            }
            auth_basic "admin ${i}";
            auth_basic_user_file /etc/nginx/htpasswd;
            add_header Access-Control-Allow-Origin "https://admin.example.com" always;
            proxy_pass http://127.0.0.1:8${String(i % 1000).padStart(3, '0')};
        }

        location ~* \\.(woff2?|ttf|svg|png)$ {
            add_header Access-Control-Allow-Origin "*";
            expires 30d;
        }
    }
`;
}

/** A complete nginx.conf (checkable with `nginx -t`) with `servers` server blocks. */
export function generateNginx(servers) {
  let out = `worker_processes 1;
events { worker_connections 64; }
http {
    server_names_hash_max_size 131072;
    server_names_hash_bucket_size 128;
${ORIGIN_MAP}`;
  const parts = [out];
  for (let i = 0; i < servers; i++) parts.push(server(i));
  parts.push('}\n');
  out = parts.join('');
  return out;
}
