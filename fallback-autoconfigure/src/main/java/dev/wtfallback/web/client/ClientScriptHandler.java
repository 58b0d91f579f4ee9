package dev.wtfallback.web.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * {@link HttpRequestHandler} that serves one file of the browser client bundled in this
 * library: the script {@value #SCRIPT_LOCATION} or its type declarations
 * {@value #TYPES_LOCATION}, read once from the classpath.
 *
 * <p>Every answer carries an {@code ETag} derived from the file's SHA-256, and a matching
 * {@code If-None-Match} is answered {@code 304 Not Modified}. A request whose {@code v} query
 * parameter equals this library's version, as in {@code /fallback/client.js?v=0.1.0}, may be
 * cached for a year ({@value #IMMUTABLE}); any other request gets {@code no-cache}, so that
 * browsers revalidate and pick up a new version after an upgrade. Only {@code GET} and
 * {@code HEAD} are served. Thread-safe and immutable.
 */
public final class ClientScriptHandler implements HttpRequestHandler {

	/** Classpath location of the client script. */
	public static final String SCRIPT_LOCATION = "dev/wtfallback/client/client.js";

	/** Classpath location of the client's TypeScript declarations. */
	public static final String TYPES_LOCATION = "dev/wtfallback/client/client.d.ts";

	/** Cache-Control of a request for the current version. */
	public static final String IMMUTABLE = "public, max-age=31536000, immutable";

	/** Classpath location of the properties that hold this library's version. */
	static final String VERSION_LOCATION = "dev/wtfallback/client/client.properties";

	private static final Log logger = LogFactory.getLog(ClientScriptHandler.class);

	private final String location;

	private final MediaType contentType;

	private final String version;

	private final byte[] content;

	private final String etag;

	private ClientScriptHandler(String location, MediaType contentType) {
		ClassLoader classLoader = ClientScriptHandler.class.getClassLoader();
		this.location = location;
		this.contentType = contentType;
		this.version = version(classLoader);
		this.content = read(classLoader, location);
		this.etag = (this.content != null) ? "\"" + sha256(this.content) + "\"" : null;
	}

	/**
	 * Return a handler for the client script, served as {@code text/javascript}.
	 * @return the handler
	 */
	public static ClientScriptHandler script() {
		return new ClientScriptHandler(SCRIPT_LOCATION, new MediaType("text", "javascript", StandardCharsets.UTF_8));
	}

	/**
	 * Return a handler for the client's TypeScript declarations, served as plain text.
	 * @return the handler
	 */
	public static ClientScriptHandler types() {
		return new ClientScriptHandler(TYPES_LOCATION, new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
	}

	/**
	 * Return the version that a {@code v} query parameter must name for a long-lived cache.
	 * @return this library's version, or {@code null} when the build did not record it
	 */
	public String getVersion() {
		return this.version;
	}

	/**
	 * Return the entity tag of the file.
	 * @return the quoted tag, or {@code null} when the file is missing from the classpath
	 */
	public String getETag() {
		return this.etag;
	}

	@Override
	public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
		boolean head = HttpMethod.HEAD.matches(request.getMethod());
		if (!head && !HttpMethod.GET.matches(request.getMethod())) {
			response.setHeader(HttpHeaders.ALLOW, "GET, HEAD");
			response.sendError(HttpStatus.METHOD_NOT_ALLOWED.value());
			return;
		}
		if (this.content == null) {
			response.sendError(HttpStatus.NOT_FOUND.value());
			return;
		}
		boolean current = this.version != null && this.version.equals(request.getParameter("v"));
		response.setHeader(HttpHeaders.CACHE_CONTROL, current ? IMMUTABLE : "no-cache");
		if (new ServletWebRequest(request, response).checkNotModified(this.etag)) {
			return;
		}
		response.setContentType(this.contentType.toString());
		response.setContentLength(this.content.length);
		if (!head) {
			response.getOutputStream().write(this.content);
		}
	}

	private static byte[] read(ClassLoader classLoader, String location) {
		try (InputStream in = classLoader.getResourceAsStream(location)) {
			if (in != null) {
				return in.readAllBytes();
			}
		}
		catch (IOException ex) {
			logger.warn(LogMessage.format("Reading %s failed; it is answered with 404", location), ex);
			return null;
		}
		logger.warn(LogMessage.format("%s is missing from the classpath; it is answered with 404", location));
		return null;
	}

	private static String version(ClassLoader classLoader) {
		Properties properties = new Properties();
		try (InputStream in = classLoader.getResourceAsStream(VERSION_LOCATION)) {
			if (in != null) {
				properties.load(in);
			}
		}
		catch (IOException ex) {
			return null;
		}
		String version = properties.getProperty("version");
		// Unfiltered when the resources were not processed by the build.
		return (version != null && !version.isBlank() && !version.startsWith("@")) ? version : null;
	}

	private static String sha256(byte[] content) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
			return HexFormat.of().formatHex(Arrays.copyOf(digest, 16));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform supports SHA-256", ex);
		}
	}

	@Override
	public String toString() {
		return "ClientScriptHandler for " + this.location;
	}

}
