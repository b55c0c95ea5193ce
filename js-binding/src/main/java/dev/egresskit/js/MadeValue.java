package dev.egresskit.js;

import dev.egresskit.core.policy.Made;
import java.util.Objects;
import org.openjdk.nashorn.api.scripting.AbstractJSObject;

/**
 * The opaque value {@code kumo.make_egress_source} and {@code kumo.make_egress_pool} return. A
 * script can pass it around and return it from a handler, but cannot read, change or forge it:
 * every member reads as {@code null}, writes are ignored, and a plain object is never an instance
 * of this class. Its only use is to carry the validated value back to Java.
 */
final class MadeValue extends AbstractJSObject {
  private final Made<?> made;
  private final String builderName;

  MadeValue(Made<?> made, String builderName) {
    this.made = Objects.requireNonNull(made, "made");
    this.builderName = Objects.requireNonNull(builderName, "builderName");
  }

  /** The validated value and where it was built. */
  Made<?> made() {
    return made;
  }

  /** The {@code kumo} function that built it, e.g. {@code make_egress_source}. */
  String builderName() {
    return builderName;
  }

  @Override
  public String getClassName() {
    return "EgressKitValue";
  }

  @Override
  public Object getMember(String name) {
    return null;
  }

  @Override
  public boolean hasMember(String name) {
    return false;
  }

  @Override
  public void setMember(String name, Object value) {
    // Opaque: writes are dropped so the carried value cannot be tampered with.
  }

  @Override
  public void removeMember(String name) {
    // Opaque: there is nothing to remove.
  }

  @Override
  public void setSlot(int index, Object value) {
    // Opaque: writes are dropped so the carried value cannot be tampered with.
  }

  /** What {@code String(value)} shows in a script: the kind and the name, never secrets. */
  @Override
  public Object getDefaultValue(Class<?> hint) {
    return toString();
  }

  @Override
  public String toString() {
    return "[" + builderName + " result at " + made.location() + "]";
  }
}
