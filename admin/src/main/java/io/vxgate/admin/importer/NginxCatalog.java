package io.vxgate.admin.importer;

import java.util.HashMap;
import java.util.Map;

/**
 * Why an nginx directive that no translation step took is left out: irrelevant to a gateway
 * (ignored), or without a vxgate equivalent. Directives not listed get a generic "no vxgate
 * equivalent".
 */
final class NginxCatalog {
  private static final Map<String, String> IGNORED = new HashMap<>();
  private static final Map<String, String> UNSUPPORTED = new HashMap<>();

  private static void ignored(String why, String... names) {
    for (String n : names) {
      IGNORED.put(n, why);
    }
  }

  private static void unsupported(String why, String... names) {
    for (String n : names) {
      UNSUPPORTED.put(n, why);
    }
  }

  static {
    ignored(
        "nginx process setting (vxgate is one JVM process per node, see docs/operations.md)",
        "user",
        "worker_processes",
        "worker_rlimit_nofile",
        "worker_cpu_affinity",
        "worker_priority",
        "worker_shutdown_timeout",
        "pid",
        "daemon",
        "master_process",
        "pcre_jit",
        "thread_pool",
        "timer_resolution",
        "env",
        "lock_file",
        "working_directory",
        "events",
        "load_module",
        "ssl_engine");
    ignored(
        "nginx's own log (vxgate's: docs/operations.md)",
        "error_log",
        "log_not_found",
        "log_subrequest",
        "open_log_file_cache",
        "rewrite_log");
    ignored("no translated access_log uses it", "log_format");
    ignored(
        "socket and file I/O tuning that vxgate does itself",
        "sendfile",
        "sendfile_max_chunk",
        "tcp_nopush",
        "tcp_nodelay",
        "aio",
        "directio",
        "output_buffers",
        "postpone_output",
        "reset_timedout_connection",
        "open_file_cache",
        "open_file_cache_valid",
        "open_file_cache_min_uses",
        "open_file_cache_errors",
        "client_body_buffer_size",
        "client_header_buffer_size",
        "client_body_temp_path",
        "proxy_temp_path",
        "fastcgi_temp_path",
        "uwsgi_temp_path",
        "scgi_temp_path",
        "proxy_buffer_size",
        "proxy_buffers",
        "proxy_busy_buffers_size",
        "proxy_max_temp_file_size",
        "proxy_temp_file_write_size",
        "variables_hash_max_size",
        "variables_hash_bucket_size",
        "server_names_hash_bucket_size",
        "server_names_hash_max_size",
        "map_hash_bucket_size",
        "map_hash_max_size",
        "types_hash_max_size",
        "types_hash_bucket_size",
        "proxy_headers_hash_max_size",
        "proxy_headers_hash_bucket_size",
        "lingering_close",
        "lingering_time",
        "lingering_timeout",
        "send_lowat",
        "zone");
    ignored(
        "response details of files nginx serves itself",
        "types",
        "default_type",
        "charset",
        "charset_types",
        "source_charset",
        "override_charset",
        "index",
        "autoindex",
        "etag",
        "if_modified_since",
        "disable_symlinks",
        "msie_padding",
        "msie_refresh");
    ignored("vxgate never sends its version", "server_tokens");
    ignored(
        "vxgate resolves server names with the system resolver", "resolver", "resolver_timeout");
    ignored(
        "TLS session handling is vxgate's own",
        "ssl_session_cache",
        "ssl_session_timeout",
        "ssl_session_tickets",
        "ssl_session_ticket_key",
        "ssl_prefer_server_ciphers",
        "ssl_dhparam",
        "ssl_ecdh_curve",
        "ssl_buffer_size",
        "ssl_early_data");
    ignored(
        "vxgate speaks HTTP/2 on TLS listeners without tuning",
        "http2",
        "http2_max_concurrent_streams",
        "http2_recv_buffer_size",
        "http2_chunk_size",
        "http2_push",
        "http2_push_preload",
        "http2_idle_timeout",
        "http2_max_requests");
    ignored("Server and Date headers are vxgate's own", "server_name_in_redirect");
    ignored("proxied responses pass every header already", "proxy_pass_header");
    ignored(
        "proxying to uwsgi/FastCGI/SCGI/memcached: no equivalent (vxgate proxies HTTP)",
        "uwsgi_param",
        "fastcgi_param",
        "fastcgi_index",
        "fastcgi_split_path_info",
        "scgi_param");
    unsupported(
        "vxgate does not serve files; serve them from the application (for Django, WhiteNoise)"
            + " or a file server behind a route",
        "root",
        "alias",
        "try_files",
        "expires",
        "internal",
        "ssi",
        "sub_filter",
        "sub_filter_once",
        "image_filter");
    unsupported(
        "vxgate does not compress responses",
        "gzip",
        "gzip_vary",
        "gzip_proxied",
        "gzip_comp_level",
        "gzip_types",
        "gzip_min_length",
        "gzip_buffers",
        "gzip_http_version",
        "gzip_disable",
        "gzip_static",
        "gunzip",
        "brotli",
        "brotli_types",
        "brotli_comp_level");
    unsupported(
        "vxgate does not cache responses",
        "proxy_cache",
        "proxy_cache_path",
        "proxy_cache_key",
        "proxy_cache_valid",
        "proxy_cache_use_stale",
        "proxy_cache_bypass",
        "proxy_no_cache",
        "proxy_cache_lock",
        "proxy_cache_methods",
        "proxy_cache_min_uses",
        "proxy_cache_background_update",
        "proxy_cache_revalidate",
        "add_trailer");
    unsupported(
        "rate and connection limits: docs/configuration.md (limits) once available",
        "limit_req",
        "limit_req_zone",
        "limit_req_status",
        "limit_req_log_level",
        "limit_conn",
        "limit_conn_zone",
        "limit_conn_status",
        "limit_rate",
        "limit_rate_after",
        "limit_except");
    unsupported(
        "authentication is the application's",
        "auth_basic",
        "auth_basic_user_file",
        "auth_request",
        "auth_request_set",
        "satisfy");
    unsupported(
        "no equivalent: vxgate proxies HTTP and WebSocket only",
        "stream",
        "mail",
        "fastcgi_pass",
        "uwsgi_pass",
        "scgi_pass",
        "grpc_pass",
        "memcached_pass");
    unsupported(
        "no request rewriting beyond strip-prefix and header changes",
        "rewrite",
        "set",
        "proxy_set_body",
        "proxy_method",
        "proxy_pass_request_body",
        "proxy_pass_request_headers",
        "proxy_cookie_path",
        "proxy_cookie_domain",
        "proxy_cookie_flags",
        "sub_filter_types",
        "valid_referers",
        "secure_link",
        "secure_link_md5",
        "mirror",
        "mirror_request_body",
        "echo");
    unsupported(
        "no client-certificate authentication",
        "ssl_client_certificate",
        "ssl_verify_client",
        "ssl_verify_depth",
        "ssl_crl",
        "ssl_crl_file");
    unsupported(
        "vxgate does not staple OCSP responses",
        "ssl_trusted_certificate",
        "ssl_stapling",
        "ssl_stapling_verify",
        "ssl_stapling_file",
        "ssl_stapling_responder");
    unsupported(
        "client certificates and ciphers towards servers are not configurable",
        "proxy_ssl_certificate",
        "proxy_ssl_certificate_key",
        "proxy_ssl_protocols",
        "proxy_ssl_ciphers",
        "proxy_ssl_session_reuse",
        "proxy_ssl_server_name",
        "proxy_ssl_name",
        "proxy_ssl_verify_depth");
  }

  private NginxCatalog() {}

  /** Whether the catalog has a reason for this directive. */
  static boolean knows(String name) {
    return IGNORED.containsKey(name) || UNSUPPORTED.containsKey(name);
  }

  /** Reports a directive that no translation step took. */
  static void report(Report report, NginxDirective d) {
    String why = IGNORED.get(d.name());
    if (why != null) {
      report.ignored(d.source(), d.text(), why);
      return;
    }
    why = UNSUPPORTED.get(d.name());
    report.unsupported(d.source(), d.text(), why != null ? why : "no vxgate equivalent");
  }
}
