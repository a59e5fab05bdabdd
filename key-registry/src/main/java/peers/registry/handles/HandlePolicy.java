package peers.registry.handles;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides which handles (public usernames such as {@code alice}) the registry accepts, and what
 * canonical form and uniqueness key an accepted handle has.
 *
 * <p>{@link #check(String)} applies the rules below <strong>in this order</strong> and stops at the
 * first one that fails, throwing {@link InvalidHandle} with the listed {@link InvalidHandle.Reason}
 * and an English message that says what to change (offending characters are named as
 * {@code U+XXXX NAME}; the raw input is never echoed). On success it returns a {@link Handle}
 * holding the normalized handle and its confusable skeleton.
 *
 * <ol>
 *   <li><b>Required</b> ({@code REQUIRED}). The input must not be null or empty.
 *   <li><b>Input size bound</b> ({@code TOO_LONG}). The raw input may be at most
 *       {@value #MAX_INPUT_CHARS} UTF-16 code units. This is checked before any other work, so
 *       oversized input is refused in constant time.
 *   <li><b>No invisible characters</b> ({@code BAD_CHARACTER}). The raw input must not contain any
 *       Unicode Default_Ignorable_Code_Point: zero-width space U+200B, zero-width (non-)joiner
 *       U+200C/U+200D, word joiner U+2060, soft hyphen U+00AD, variation selectors such as U+FE0F,
 *       bidirectional controls (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, U+061C), Hangul
 *       fillers, and so on. Normalization (rule 4) would silently delete them; they are refused
 *       instead so that what the user typed and what gets registered differ only visibly.
 *       (Consequence: scripts that need ZWJ/ZWNJ for some spellings cannot use them in handles.)
 *   <li><b>Normalization</b>. The input is normalized with Unicode NFKC_Casefold (ICU
 *       {@code Normalizer2.getNFKCCasefoldInstance()}): case is folded and compatibility variants
 *       are replaced by their plain forms, so {@code Alice}, fullwidth {@code ＡＬＩＣＥ}, and
 *       {@code alice} are the same handle; ligatures are expanded ({@code ﬁ} becomes {@code fi});
 *       {@code ß} becomes {@code ss}. All later rules apply to the normalized string, which is the
 *       handle's canonical form.
 *   <li><b>Length</b> ({@code TOO_SHORT} / {@code TOO_LONG}). The normalized handle must have
 *       {@value #MIN_LENGTH} to {@value #MAX_LENGTH} Unicode code points (a character outside the
 *       Basic Multilingual Plane counts as one; a combining mark counts as one).
 *   <li><b>Allowed characters</b> ({@code BAD_CHARACTER}). Every code point of the normalized
 *       handle must be one of:
 *       <ul>
 *         <li>a letter: general category Lu, Ll, Lt, Lm or Lo (any script);
 *         <li>a combining mark, general category Mn or Mc, directly after a letter or after
 *             another mark that follows a letter (so accents and Indic vowel signs are fine, but a
 *             mark may not start the handle or sit on a digit or separator);
 *         <li>a decimal digit: general category Nd (any numbering system; see rule 8);
 *         <li>one of the separators {@code .} (U+002E), {@code _} (U+005F), {@code -} (U+002D).
 *       </ul>
 *       Everything else is refused: spaces, emoji, symbols, other punctuation, enclosing marks,
 *       control, format, private-use, surrogate and unassigned code points. If the offending
 *       character came from a different input character through normalization (for example
 *       ideographic space U+3000 becomes U+0020), the message names both.
 *   <li><b>Separators</b> ({@code BAD_SEPARATOR}). The handle must start with a letter or digit
 *       and end with a letter (optionally followed by its combining marks) or digit, i.e. it may
 *       not start or end with {@code .}, {@code _} or {@code -}; and two separators may not be
 *       adjacent ({@code a..b}, {@code a-_b} are refused).
 *   <li><b>Scripts and digits</b>, checked with ICU {@code SpoofChecker} (UTS #39 section 5):
 *       <ul>
 *         <li>({@code MIXED_SCRIPT}) The handle must meet the UTS #39 <em>Highly Restrictive</em>
 *             restriction level: all letters come from a single script (characters of the Common
 *             and Inherited scripts, such as ASCII digits, separators and most combining marks, go
 *             with any script), except that Latin may be combined with Han + Hiragana + Katakana
 *             (Japanese), Han + Bopomofo (Chinese) or Han + Hangul (Korean). So {@code алиса}
 *             (all Cyrillic), {@code 田中}, {@code たなか}, {@code 田中たなか} and {@code tanaka田中}
 *             are accepted, while Latin mixed with Cyrillic or Greek (e.g. {@code аlice} with a
 *             Cyrillic {@code а}) or Latin mixed with Arabic is refused.
 *         <li>({@code MIXED_SCRIPT}) All decimal digits must come from one numbering system
 *             (e.g. ASCII {@code 1} together with Arabic-Indic {@code ١} is refused).
 *         <li>({@code BAD_CHARACTER}) The same non-spacing mark may not occur twice in one
 *             run of non-spacing marks of the NFD form (e.g. U+0301 twice on one letter), as the
 *             repetition is invisible (SpoofChecker INVISIBLE, plus our own scan of the whole NFD
 *             form because ICU4J's check can miss a repetition at the end of the string).
 *       </ul>
 *       <em>Why Highly Restrictive:</em> it is ICU's default level, and its only multi-script
 *       allowances are the Latin + CJK combinations that Japanese, Chinese and Korean users write
 *       every day. The looser
 *       <em>Moderately Restrictive</em> level would also allow Latin with any one other
 *       recommended script (except Cyrillic and Greek), e.g. Latin + Arabic or Latin + Cherokee.
 *       That makes look-alike handles easier to build while helping few real users. A handle is
 *       what people read to decide whose key they are trusting, so the stricter level is used.
 *   <li><b>Skeleton</b>. The UTS #39 confusable skeleton of the normalized handle is computed
 *       (ICU {@code SpoofChecker.getSkeleton}). Two handles with the same skeleton are the same
 *       handle for uniqueness; the registry stores the skeleton in a UNIQUE column, so
 *       registering a look-alike of an existing handle fails there. Examples of equal skeletons:
 *       {@code alice} and {@code ɑlice} (Latin alpha U+0251); {@code amie} and {@code arnie}
 *       ({@code m} vs {@code rn}); {@code paypal} and {@code paypa1} (digit one vs {@code l});
 *       {@code alice} and {@code аlice} (Cyrillic {@code а}; already refused by rule 8). Because
 *       case is folded first, {@code paypaI} (capital I) becomes {@code paypai}, which is
 *       <em>not</em> confusable with {@code paypal}. The skeleton keeps the case of UTS #39's
 *       prototypes, so digit zero maps to capital {@code O}: {@code r00t} and {@code root} have
 *       different skeletons.
 *   <li><b>Reserved names</b> ({@code RESERVED}). The handle is refused if its <em>reserved-name
 *       key</em> equals that of a reserved name. The key is the skeleton of the normalized
 *       handle with all separators removed. So a reserved name is also refused in any
 *       confusable spelling ({@code ɑdmin}, {@code һеӏр} in Cyrillic for {@code help},
 *       {@code rnod} for {@code mod}) and with separators added ({@code ad.min},
 *       {@code no_reply}). The reserved names are {@link #BUILT_IN_RESERVED} plus the names passed
 *       to {@link #HandlePolicy(Set)}, all normalized the same way.
 * </ol>
 *
 * <p>Instances are immutable and thread-safe (ICU's {@code Normalizer2} and a built
 * {@code SpoofChecker} are immutable); build one at startup and share it.
 */
public final class HandlePolicy {

    /** Minimum length of a normalized handle, in code points. */
    public static final int MIN_LENGTH = 3;

    /** Maximum length of a normalized handle, in code points. */
    public static final int MAX_LENGTH = 32;

    /** Maximum length of the raw input, in UTF-16 code units; longer input is refused unread. */
    public static final int MAX_INPUT_CHARS = 256;

    /** The UTS #39 restriction level handles must meet (see rule 8 in the class docs). */
    public static final SpoofChecker.RestrictionLevel RESTRICTION_LEVEL =
            SpoofChecker.RestrictionLevel.HIGHLY_RESTRICTIVE;

    /**
     * Names nobody may register, nor anything confusable with them. Operator-, role- and
     * infrastructure-like names, plus words that would read as something other than a person.
     * Names shorter than {@link #MIN_LENGTH} (such as {@code me}) are left out because they can
     * never be valid handles anyway.
     */
    public static final Set<String> BUILT_IN_RESERVED = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            // operators and roles
            "admin", "administrator", "root", "superuser", "sysadmin", "operator", "owner",
            "staff", "team", "moderator", "mod", "official", "system",
            // contact points (RFC 2142 and common role mailboxes)
            "support", "help", "security", "abuse", "postmaster", "hostmaster", "webmaster",
            "info", "contact", "noreply", "no-reply", "billing", "legal", "privacy",
            // the service itself and its infrastructure
            "peers", "registry", "api", "www", "mail", "auth", "signal", "sync", "backup",
            "status",
            // words that are not people, or that are ambiguous in UIs and code
            "null", "undefined", "nobody", "anonymous", "everyone", "here", "you", "test")));

    private static final String SEPARATORS = "._-";

    private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();
    private static final Normalizer2 NFD = Normalizer2.getNFDInstance();

    private final SpoofChecker spoofChecker;
    /** Reserved-name key (see rule 10) to the reserved name it came from, for messages. */
    private final Map<String, String> reservedByKey;

    /** A policy with only the {@link #BUILT_IN_RESERVED} names reserved. */
    public HandlePolicy() {
        this(Set.of());
    }

    /**
     * A policy reserving {@link #BUILT_IN_RESERVED} plus {@code extraReserved}. Extra names are
     * trimmed and normalized like handles; blank entries are ignored.
     *
     * @throws NullPointerException if {@code extraReserved} or one of its entries is null
     * @throws IllegalArgumentException if an entry consists only of separators
     */
    public HandlePolicy(Set<String> extraReserved) {
        Objects.requireNonNull(extraReserved, "extraReserved");
        this.spoofChecker = new SpoofChecker.Builder()
                .setRestrictionLevel(RESTRICTION_LEVEL)
                .setChecks(SpoofChecker.RESTRICTION_LEVEL | SpoofChecker.MIXED_NUMBERS | SpoofChecker.INVISIBLE)
                .build();
        Map<String, String> reserved = new LinkedHashMap<>();
        for (String name : BUILT_IN_RESERVED) {
            addReserved(reserved, name);
        }
        for (String name : extraReserved) {
            Objects.requireNonNull(name, "extraReserved entry");
            String trimmed = name.strip();
            if (!trimmed.isEmpty()) {
                addReserved(reserved, trimmed);
            }
        }
        this.reservedByKey = Collections.unmodifiableMap(reserved);
    }

    /** Same as {@link #HandlePolicy()}. */
    public static HandlePolicy defaults() {
        return new HandlePolicy();
    }

    /** The normalized reserved names in effect (built-in plus extra), in insertion order. */
    public Set<String> reservedNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(reservedByKey.values()));
    }

    /**
     * Validates and canonicalizes a handle; see the class documentation for the rules.
     *
     * @return the normalized handle and its confusable skeleton
     * @throws InvalidHandle if a rule fails
     */
    public Handle check(String input) {
        // 1. required
        if (input == null || input.isEmpty()) {
            throw new InvalidHandle(InvalidHandle.Reason.REQUIRED, "A handle is required; enter "
                    + MIN_LENGTH + " to " + MAX_LENGTH + " letters or digits.");
        }
        // 2. bound the raw input before doing any work on it
        if (input.length() > MAX_INPUT_CHARS) {
            throw tooLong(-1);
        }
        // 3. invisible characters, which normalization would silently delete
        rejectDefaultIgnorables(input);
        // 4. normalize
        String normalized = NFKC_CASEFOLD.normalize(input);
        if (normalized.isEmpty()) { // unreachable after rule 3, kept as a guard
            throw new InvalidHandle(InvalidHandle.Reason.REQUIRED, "A handle is required; enter "
                    + MIN_LENGTH + " to " + MAX_LENGTH + " letters or digits.");
        }
        // 5. length in code points
        int length = normalized.codePointCount(0, normalized.length());
        if (length < MIN_LENGTH) {
            throw new InvalidHandle(InvalidHandle.Reason.TOO_SHORT, "Handle is too short: it has "
                    + length + " character" + (length == 1 ? "" : "s") + "; use at least " + MIN_LENGTH + ".");
        }
        if (length > MAX_LENGTH) {
            throw tooLong(length);
        }
        // 6. allowed characters
        checkCharacters(input, normalized);
        // 7. separators
        checkSeparators(normalized);
        // 8. scripts, digit systems, repeated marks
        checkSpoofing(normalized);
        // 9. skeleton
        String skeleton = spoofChecker.getSkeleton(normalized);
        // 10. reserved names
        String reservedAs = reservedByKey.get(reservedKey(normalized));
        if (reservedAs != null) {
            String message = stripSeparators(normalized).equals(stripSeparators(reservedAs))
                    ? "This handle is reserved (\"" + reservedAs + "\"); choose a different one."
                    : "This handle looks too similar to the reserved name \"" + reservedAs
                            + "\"; choose a different one.";
            throw new InvalidHandle(InvalidHandle.Reason.RESERVED, message);
        }
        return new Handle(normalized, skeleton);
    }

    // ---------------------------------------------------------------- rules

    /** @param length the normalized length in code points, or -1 if the raw input was refused unread */
    private static InvalidHandle tooLong(int length) {
        return new InvalidHandle(InvalidHandle.Reason.TOO_LONG, "Handle is too long"
                + (length < 0 ? "" : ": it has " + length + " characters") + "; use at most " + MAX_LENGTH + ".");
    }

    private static void rejectDefaultIgnorables(String input) {
        for (int i = 0; i < input.length(); ) {
            int cp = input.codePointAt(i);
            if (UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
                throw new InvalidHandle(InvalidHandle.Reason.BAD_CHARACTER, "Handle contains the invisible character "
                        + describe(cp) + "; remove it. Invisible and formatting characters are not allowed.");
            }
            i += Character.charCount(cp);
        }
    }

    private static void checkCharacters(String input, String normalized) {
        boolean afterLetter = false; // true while marks may attach to the preceding letter
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            int type = UCharacter.getType(cp);
            switch (type) {
                case UCharacterCategory.UPPERCASE_LETTER, UCharacterCategory.LOWERCASE_LETTER,
                        UCharacterCategory.TITLECASE_LETTER, UCharacterCategory.MODIFIER_LETTER,
                        UCharacterCategory.OTHER_LETTER -> afterLetter = true;
                case UCharacterCategory.NON_SPACING_MARK, UCharacterCategory.COMBINING_SPACING_MARK -> {
                    if (!afterLetter) {
                        throw new InvalidHandle(InvalidHandle.Reason.BAD_CHARACTER, "Handle contains the combining mark "
                                + describeFromInput(input, cp)
                                + " where it does not follow a letter; combining marks are only allowed on letters.");
                    }
                }
                case UCharacterCategory.DECIMAL_DIGIT_NUMBER -> afterLetter = false;
                default -> {
                    if (SEPARATORS.indexOf(cp) >= 0) {
                        afterLetter = false;
                    } else {
                        throw new InvalidHandle(InvalidHandle.Reason.BAD_CHARACTER, "Handle contains "
                                + describeFromInput(input, cp) + ", which is not allowed; " + hint(type)
                                + " Use only letters, digits and the separators '.', '_' and '-'.");
                    }
                }
            }
        }
    }

    private static String hint(int type) {
        return switch (type) {
            case UCharacterCategory.SPACE_SEPARATOR ->
                "remove spaces or replace them with '.', '_' or '-'.";
            case UCharacterCategory.MATH_SYMBOL, UCharacterCategory.CURRENCY_SYMBOL,
                    UCharacterCategory.MODIFIER_SYMBOL, UCharacterCategory.OTHER_SYMBOL ->
                "remove symbols and emoji.";
            case UCharacterCategory.CONTROL, UCharacterCategory.FORMAT, UCharacterCategory.LINE_SEPARATOR,
                    UCharacterCategory.PARAGRAPH_SEPARATOR ->
                "remove control and formatting characters.";
            case UCharacterCategory.UNASSIGNED, UCharacterCategory.PRIVATE_USE, UCharacterCategory.SURROGATE ->
                "remove it; unassigned, private-use and broken (surrogate) characters are not allowed.";
            case UCharacterCategory.ENCLOSING_MARK ->
                "remove enclosing marks.";
            case UCharacterCategory.LETTER_NUMBER, UCharacterCategory.OTHER_NUMBER ->
                "use the decimal digits 0-9 (or those of your script) instead.";
            default -> "remove it or replace it with '.', '_' or '-'.";
        };
    }

    private static void checkSeparators(String normalized) {
        char first = normalized.charAt(0);
        if (isSeparator(first)) {
            throw new InvalidHandle(InvalidHandle.Reason.BAD_SEPARATOR, "Handle must start with a letter or digit, not "
                    + describe(first) + "; remove the leading separator.");
        }
        char last = normalized.charAt(normalized.length() - 1);
        if (isSeparator(last)) {
            throw new InvalidHandle(InvalidHandle.Reason.BAD_SEPARATOR, "Handle must end with a letter or digit, not "
                    + describe(last) + "; remove the trailing separator.");
        }
        for (int i = 1; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            char prev = normalized.charAt(i - 1);
            if (isSeparator(c) && isSeparator(prev)) {
                throw new InvalidHandle(InvalidHandle.Reason.BAD_SEPARATOR, "Handle has two separators in a row ("
                        + describe(prev) + " followed by " + describe(c)
                        + "); keep only one, or put a letter or digit between them.");
            }
        }
    }

    private void checkSpoofing(String normalized) {
        SpoofChecker.CheckResult result = new SpoofChecker.CheckResult();
        if (!spoofChecker.failsChecks(normalized, result)) {
            // ICU4J's INVISIBLE check scans the NFD form only up to the length of its input, so it
            // misses a repeated mark at the end when NFD is longer than the input (e.g. NFC "café"
            // followed by another U+0301). Repeat the check over the whole NFD form.
            int repeated = repeatedNonspacingMark(normalized);
            if (repeated >= 0) {
                throw new InvalidHandle(InvalidHandle.Reason.BAD_CHARACTER, repeatedMarkMessage(repeated));
            }
            return;
        }
        if ((result.checks & SpoofChecker.RESTRICTION_LEVEL) != 0) {
            throw new InvalidHandle(InvalidHandle.Reason.MIXED_SCRIPT, mixedScriptMessage(normalized));
        }
        if ((result.checks & SpoofChecker.MIXED_NUMBERS) != 0) {
            throw new InvalidHandle(InvalidHandle.Reason.MIXED_SCRIPT, mixedNumbersMessage(normalized));
        }
        if ((result.checks & SpoofChecker.INVISIBLE) != 0) {
            throw new InvalidHandle(InvalidHandle.Reason.BAD_CHARACTER,
                    repeatedMarkMessage(repeatedNonspacingMark(normalized)));
        }
        // Only the three checks above are enabled; anything else is a surprise from ICU. Refuse.
        throw new InvalidHandle(InvalidHandle.Reason.MIXED_SCRIPT,
                "Handle mixes characters in a way that could be used to imitate another handle;"
                        + " use letters from one script only.");
    }

    private static String mixedScriptMessage(String normalized) {
        Map<Integer, Integer> firstByScript = new LinkedHashMap<>();
        normalized.codePoints().forEach(cp -> {
            int script = UScript.getScript(cp);
            if (script != UScript.COMMON && script != UScript.INHERITED) {
                firstByScript.putIfAbsent(script, cp);
            }
        });
        StringBuilder message = new StringBuilder("Handle mixes characters from different scripts");
        if (firstByScript.size() >= 2) {
            List<String> parts = new ArrayList<>();
            firstByScript.forEach((script, cp) -> parts.add(UScript.getName(script) + " (" + describe(cp) + ")"));
            message.append(": ").append(String.join(parts.size() == 2 ? " and " : ", ", parts));
        }
        return message.append(". Use letters from one script only; the only combinations allowed are Latin with"
                + " Han, Hiragana and Katakana; Latin with Han and Bopomofo; and Latin with Han and Hangul.")
                .toString();
    }

    private static String mixedNumbersMessage(String normalized) {
        Map<Integer, Integer> firstByZero = new LinkedHashMap<>();
        normalized.codePoints().forEach(cp -> {
            if (UCharacter.getType(cp) == UCharacterCategory.DECIMAL_DIGIT_NUMBER) {
                firstByZero.putIfAbsent(cp - UCharacter.digit(cp, 10), cp);
            }
        });
        StringBuilder message = new StringBuilder("Handle mixes digits from different numbering systems");
        if (firstByZero.size() >= 2) {
            List<String> parts = new ArrayList<>();
            firstByZero.values().forEach(cp -> parts.add(describe(cp)));
            message.append(" (").append(String.join(" and ", parts)).append(")");
        }
        return message.append("; use digits from one system only.").toString();
    }

    /**
     * The first non-spacing mark that occurs twice in one run of non-spacing marks of the NFD form
     * (UTS #39 section 5.4), or -1.
     */
    private static int repeatedNonspacingMark(String normalized) {
        String decomposed = NFD.normalize(normalized);
        Set<Integer> marksInRun = new HashSet<>();
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (UCharacter.getType(cp) == UCharacterCategory.NON_SPACING_MARK) {
                if (!marksInRun.add(cp)) {
                    return cp;
                }
            } else {
                marksInRun.clear();
            }
        }
        return -1;
    }

    private static String repeatedMarkMessage(int mark) {
        return mark < 0
                ? "Handle contains an invisible sequence of combining marks; remove repeated accents."
                : "Handle repeats the combining mark " + describe(mark)
                        + " on one letter, which is invisible; remove the duplicate.";
    }

    // ---------------------------------------------------------------- reserved names

    private void addReserved(Map<String, String> reserved, String name) {
        String normalized = NFKC_CASEFOLD.normalize(name);
        if (stripSeparators(normalized).isEmpty()) {
            throw new IllegalArgumentException("reserved name has no letters or digits: \"" + name + "\"");
        }
        reserved.putIfAbsent(reservedKey(normalized), normalized);
    }

    /** Rule 10's comparison key: skeleton of the normalized name without separators. */
    private String reservedKey(String normalized) {
        return spoofChecker.getSkeleton(stripSeparators(normalized));
    }

    private static String stripSeparators(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isSeparator(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isSeparator(int c) {
        return c == '.' || c == '_' || c == '-';
    }

    // ---------------------------------------------------------------- messages

    /** {@code U+XXXX NAME}, e.g. {@code U+200B ZERO WIDTH SPACE}. */
    static String describe(int cp) {
        String name = UCharacter.getExtendedName(cp);
        return String.format(Locale.ROOT, "U+%04X", cp) + (name == null || name.isEmpty() ? "" : " " + name);
    }

    /**
     * Describes a code point of the normalized handle; if the user did not type it literally, also
     * names the input character that normalization turned into it.
     */
    private static String describeFromInput(String input, int cp) {
        if (input.indexOf(cp) >= 0) {
            return describe(cp);
        }
        String target = new String(Character.toChars(cp));
        for (int i = 0; i < input.length(); ) {
            int raw = input.codePointAt(i);
            i += Character.charCount(raw);
            if (NFKC_CASEFOLD.normalize(new String(Character.toChars(raw))).contains(target)) {
                return describe(raw) + " (which normalizes to " + describe(cp) + ")";
            }
        }
        return describe(cp);
    }
}
