package dev.wtfallback.autoconfigure.client;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the browser client script this library serves.
 */
@ConfigurationProperties("fallback.client")
public class ClientScriptProperties implements Validator {

	/**
	 * Whether to serve the browser client script and its TypeScript declarations.
	 */
	private boolean enabled = true;

	/**
	 * Path of the client script; the declarations are served next to it, with ".d.ts" in place
	 * of ".js". Requests with "?v=<library version>" may be cached for a year, others are
	 * revalidated on every use.
	 */
	private String path = "/fallback/client.js";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	/**
	 * Return the path of the TypeScript declarations, next to the script.
	 * @return the declarations path
	 */
	public String getTypesPath() {
		return this.path.substring(0, this.path.length() - ".js".length()) + ".d.ts";
	}

	@Override
	public boolean supports(Class<?> type) {
		return ClientScriptProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		String path = ((ClientScriptProperties) target).path;
		if (path == null || !path.startsWith("/") || !path.endsWith(".js")) {
			errors.rejectValue("path", "invalid",
					"fallback.client.path must start with '/' and end with '.js', was '" + path + "'");
		}
	}

}
