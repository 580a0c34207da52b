package org.erofssim.sb;

/**
 * A read the model cannot answer faithfully (an algorithm number beyond the kernel's table, a
 * fragment, a 6.15+ encoded-extent inode, an index walk past the model's step limit). Not a kernel error:
 * callers turn it into a note and leave the value unknown ({@code sha256} null), never into
 * invented bytes.
 */
public class NotModelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotModelled(String what) {
        super(what, null, false, false);
    }
}
