package peers.registry.handles;

import java.util.Objects;

/**
 * A handle that has passed {@link HandlePolicy#check(String)}.
 *
 * @param normalized the canonical form of the handle (the NFKC_Casefold of the user's input); this
 *     is what is stored, displayed and looked up
 * @param skeleton the UTS #39 confusable skeleton of {@code normalized}; two handles with equal
 *     skeletons are the same handle for uniqueness (the registry keeps it in a UNIQUE column). It
 *     is a comparison key only and must not be displayed.
 */
public record Handle(String normalized, String skeleton) {

    public Handle {
        Objects.requireNonNull(normalized, "normalized");
        Objects.requireNonNull(skeleton, "skeleton");
    }
}
