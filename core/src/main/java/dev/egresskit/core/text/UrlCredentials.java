package dev.egresskit.core.text;

/**
 * The one way a URL with credentials ({@code redis://user:password@host}) is shown in errors,
 * logs and {@code toString}: the password replaced by {@code ***}, the user name kept (it names
 * who connects, and is no secret), so {@code redis://ops:s3cret@host:6379/2} reads {@code
 * redis://ops:***@host:6379/2}. A URL with one user-info part ({@code redis://s3cret@host}, where
 * Redis takes it as the password) reads {@code redis://:***@host}.
 */
public final class UrlCredentials {

  private UrlCredentials() {}

  /**
   * {@code url} with the password of its user info, if any, replaced by {@code ***}. The user
   * info ends at the last {@code @} of the whole text, not at the first {@code /}: a password
   * holding an unencoded {@code /}, {@code ?} or {@code #} is hidden too (text after a later
   * {@code @} in a query is hidden with it, which shows less but never leaks).
   *
   * @param url the URL as given, possibly not a valid URL at all
   * @return the text to show
   */
  public static String redact(String url) {
    if (url == null) {
      return "null";
    }
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = url.lastIndexOf('@');
    if (at < start) {
      return url;
    }
    String userInfo = url.substring(start, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? "" : userInfo.substring(0, colon);
    return url.substring(0, start) + user + ":***" + url.substring(at);
  }
}
