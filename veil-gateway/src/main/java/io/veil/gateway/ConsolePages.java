package io.veil.gateway;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two web pages {@code veil serve} serves — the admin console ({@value #ADMIN_PATH}) and the Privacy
 * Center ({@value #PRIVACY_PATH}) — and their assets under {@code /ui/assets/}: static HTML, CSS and
 * JavaScript modules from this jar's resources ({@code io/veil/gateway/ui/}), loaded once at start-up. Every
 * asset is local (no CDN); the chart library (uPlot, MIT) is vendored with its license.
 *
 * <p>Only the files named in {@link #FILES} are served (no path is ever resolved against a directory), so
 * path tricks get 404. The pages hold no data: they call the admin and privacy APIs with the admin token or
 * the privacy link, which the browser keeps in {@code sessionStorage}.
 *
 * <p>Thread safety: immutable after construction.
 *
 * <p><b>Security:</b> every answer carries a Content-Security-Policy without inline script or style
 * ({@code script-src 'self'}), {@code Referrer-Policy: no-referrer} (the Privacy Center link's token is in the
 * URL fragment, which browsers never send, and no page may leak its URL to another site),
 * {@code X-Content-Type-Options: nosniff}, {@code frame-ancestors 'none'} and {@code Cache-Control: no-store}.
 */
final class ConsolePages {
  private static final Logger LOG = LoggerFactory.getLogger(ConsolePages.class);
  static final String ADMIN_PATH = "/ui/admin/";
  static final String PRIVACY_PATH = "/ui/privacy/";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
      + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final String ROOT = "io/veil/gateway/ui/";

  /** URL path → resource name under {@link #ROOT}. */
  static final Map<String, String> FILES;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("/ui/admin/", "admin.html");
    m.put("/ui/privacy/", "privacy.html");
    for (String asset : new String[] {"veil.css", "common.js", "admin.js", "privacy.js", "charts.js",
        "vendor/uPlot.esm.js", "vendor/uPlot.min.css", "vendor/uPlot.LICENSE.txt"}) {
      m.put("/ui/assets/" + asset, "assets/" + asset);
    }
    FILES = Map.copyOf(m);
  }

  record Page(byte[] bytes, String contentType) {}

  private final Map<String, Page> pages;

  private ConsolePages(Map<String, Page> pages) {
    this.pages = pages;
  }

  /** Loads every file; fails at start-up (not at the first request) if one is missing from the jar. */
  static ConsolePages load() {
    Map<String, Page> m = new LinkedHashMap<>();
    ClassLoader cl = ConsolePages.class.getClassLoader();
    FILES.forEach((path, resource) -> {
      try (InputStream in = cl.getResourceAsStream(ROOT + resource)) {
        if (in == null) {
          throw new IllegalStateException("web console resource missing from the build: " + resource);
        }
        m.put(path, new Page(in.readAllBytes(), contentType(resource)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read web console resource " + resource, e);
      }
    });
    return new ConsolePages(Map.copyOf(m));
  }

  static boolean handles(String path) {
    return path.equals("/ui") || path.startsWith("/ui/");
  }

  /** Writes the page at {@code path}, a redirect to the page's canonical path, or 404. */
  void serve(String method, String path, HttpServletResponse res) {
    securityHeaders(res);
    if (!method.equals("GET") && !method.equals("HEAD")) {
      res.setStatus(405);
      res.setHeader("Allow", "GET, HEAD");
      return;
    }
    if (path.equals("/ui") || path.equals("/ui/") || path.equals("/ui/admin")) {
      redirect(res, ADMIN_PATH);
      return;
    }
    if (path.equals("/ui/privacy")) {
      redirect(res, PRIVACY_PATH);
      return;
    }
    Page p = pages.get(path);
    if (p == null) {
      res.setStatus(404);
      res.setContentType("text/plain; charset=utf-8");
      write(res, "Not found".getBytes(java.nio.charset.StandardCharsets.UTF_8), method);
      return;
    }
    res.setStatus(200);
    res.setContentType(p.contentType());
    write(res, p.bytes(), method);
  }

  static void securityHeaders(HttpServletResponse res) {
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    res.setHeader("Cache-Control", "no-store");
  }

  private static void redirect(HttpServletResponse res, String to) {
    res.setStatus(302);
    res.setHeader("Location", to); // the fragment (a privacy link's token) stays in the browser
    res.setContentLength(0);
  }

  private static void write(HttpServletResponse res, byte[] bytes, String method) {
    res.setContentLength(bytes.length);
    if (method.equals("HEAD")) {
      return;
    }
    try (OutputStream out = res.getOutputStream()) {
      out.write(bytes);
    } catch (IOException e) {
      LOG.debug("client went away before the page was written");
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
  }
}
