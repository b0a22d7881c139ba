package io.veil.core;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A kind of personal data, such as {@link #PERSON} or {@link #CREDIT_CARD}.
 *
 * <p>The built-in constants cover the canonical label set of Veil's evaluation data plus
 * {@link #BANK_ACCOUNT} and {@link #MEDICAL_ID}. Operators may define further types for custom
 * patterns with {@link #of(String)}; names are upper-case ASCII identifiers ({@code [A-Z][A-Z0-9_]*},
 * at most 64 characters), and two instances with the same name are equal.
 *
 * <p>Thread safety: immutable.
 */
public final class EntityType implements Comparable<EntityType> {
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

  public static final EntityType PERSON = new EntityType("PERSON");
  public static final EntityType EMAIL = new EntityType("EMAIL");
  public static final EntityType PHONE = new EntityType("PHONE");
  public static final EntityType ADDRESS = new EntityType("ADDRESS");
  public static final EntityType LOCATION = new EntityType("LOCATION");
  public static final EntityType ORGANIZATION = new EntityType("ORGANIZATION");
  public static final EntityType CREDIT_CARD = new EntityType("CREDIT_CARD");
  public static final EntityType IBAN = new EntityType("IBAN");
  public static final EntityType US_SSN = new EntityType("US_SSN");
  public static final EntityType DATE_OF_BIRTH = new EntityType("DATE_OF_BIRTH");
  public static final EntityType DATE = new EntityType("DATE");
  public static final EntityType IP_ADDRESS = new EntityType("IP_ADDRESS");
  public static final EntityType URL = new EntityType("URL");
  public static final EntityType PASSPORT = new EntityType("PASSPORT");
  public static final EntityType DRIVER_LICENSE = new EntityType("DRIVER_LICENSE");
  public static final EntityType NATIONAL_ID = new EntityType("NATIONAL_ID");
  public static final EntityType USERNAME = new EntityType("USERNAME");
  public static final EntityType PASSWORD = new EntityType("PASSWORD");
  public static final EntityType API_KEY = new EntityType("API_KEY");
  public static final EntityType CRYPTO_WALLET = new EntityType("CRYPTO_WALLET");
  public static final EntityType MAC_ADDRESS = new EntityType("MAC_ADDRESS");
  public static final EntityType AGE = new EntityType("AGE");
  public static final EntityType BANK_ACCOUNT = new EntityType("BANK_ACCOUNT");
  public static final EntityType MEDICAL_ID = new EntityType("MEDICAL_ID");

  private static final List<EntityType> BUILT_IN = List.of(
      PERSON, EMAIL, PHONE, ADDRESS, LOCATION, ORGANIZATION, CREDIT_CARD, IBAN, US_SSN,
      DATE_OF_BIRTH, DATE, IP_ADDRESS, URL, PASSPORT, DRIVER_LICENSE, NATIONAL_ID, USERNAME,
      PASSWORD, API_KEY, CRYPTO_WALLET, MAC_ADDRESS, AGE, BANK_ACCOUNT, MEDICAL_ID);

  private final String name;

  private EntityType(String name) {
    this.name = name;
  }

  /**
   * Returns the type with this name: a built-in constant where one has the name, else a custom type.
   *
   * @throws IllegalArgumentException if the name is not an upper-case identifier
   */
  public static EntityType of(String name) {
    Objects.requireNonNull(name, "name");
    for (EntityType t : BUILT_IN) {
      if (t.name.equals(name)) {
        return t;
      }
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "entity type names are upper-case identifiers like EMPLOYEE_ID (got " + name.length() + " characters that are not)");
    }
    return new EntityType(name);
  }

  /** The built-in types, in a stable order. */
  public static List<EntityType> builtIn() {
    return BUILT_IN;
  }

  /** True for the types a built-in recognizer or NER engine produces. */
  public boolean isBuiltIn() {
    return BUILT_IN.contains(this);
  }

  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntityType other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public int compareTo(EntityType o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
