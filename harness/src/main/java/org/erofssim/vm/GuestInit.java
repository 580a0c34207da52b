package org.erofssim.vm;

import java.util.List;

/**
 * The guest's {@code /init} (busybox sh, in the initramfs): mounts proc/sys/devtmpfs, insmods
 * the module closure in order, mounts the host's root over 9p read-only at {@code /host} and the
 * run folder (kernel command line {@code erv.out=DIR}) read-write at its own host path, puts the
 * scratch ext4 ({@code erv.scratch=vda}) or else tmpfs on /tmp (a host folder under /tmp named by
 * {@code erv.keep=DIR}, such as a checkout, bound back at its own path over it), tmpfs on /run and /dev/shm, chroots and runs {@code DIR/cmd.sh} with its output in {@code
 * DIR/output.txt} and its exit status in {@code DIR/rc}, then powers off. Lines starting with
 * {@code ERV-} on the serial console are the host's progress markers.
 */
public final class GuestInit {
    /** The 9p tag of the host's root. */
    public static final String ROOT_TAG = "hostroot";
    /** The 9p tag of the run folder. */
    public static final String OUT_TAG = "erv_out";

    private GuestInit() {}

    /** The script; {@code modules} are file names under /lib/modules in the initramfs, in load order. */
    public static String script(List<String> modules) {
        StringBuilder mods = new StringBuilder();
        for (String m : modules) {
            if (!m.matches("[A-Za-z0-9_.+-]+")) {
                throw new IllegalArgumentException("module file name " + m);
            }
            mods.append(' ').append(m);
        }
        return """
                #!/bin/busybox sh
                /bin/busybox --install -s /bin
                export PATH=/bin
                mount -t proc proc /proc
                mount -t sysfs sysfs /sys
                mount -t devtmpfs devtmpfs /dev
                echo "ERV-INIT uptime=$(cut -d' ' -f1 /proc/uptime)"
                fail() { echo "ERV-FAIL $*"; sync; poweroff -f; sleep 5; exit 1; }
                for m in@MODULES@; do
                    insmod /lib/modules/$m || echo "ERV-INSMOD-FAILED $m"
                done
                OUT=
                SCRATCH=
                KEEP=
                for w in $(cat /proc/cmdline); do
                    case "$w" in
                        erv.out=*) OUT=${w#erv.out=} ;;
                        erv.scratch=*) SCRATCH=${w#erv.scratch=} ;;
                        erv.keep=*) KEEP=${w#erv.keep=} ;;
                    esac
                done
                [ -n "$OUT" ] || fail "no erv.out= on the kernel command line"
                mkdir -p /host
                i=0
                until mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 @ROOT@ /host 2>/dev/null; do
                    i=$((i+1)); [ $i -ge 100 ] && fail "cannot mount the host root over 9p"; sleep 0.1
                done
                mount --move /proc /host/proc || fail "move /proc"
                mount --move /sys /host/sys || fail "move /sys"
                mount --move /dev /host/dev || fail "move /dev"
                if [ -n "$KEEP" ]; then
                    mkdir -p /keep && mount --bind "/host$KEEP" /keep || fail "cannot keep $KEEP"
                fi
                if [ -n "$SCRATCH" ]; then
                    i=0
                    until [ -b "/host/dev/$SCRATCH" ]; do
                        i=$((i+1)); [ $i -ge 100 ] && fail "no scratch disk /dev/$SCRATCH"; sleep 0.1
                    done
                    mount -t ext4 "/host/dev/$SCRATCH" /host/tmp || fail "cannot mount the scratch ext4 on /tmp"
                    chmod 1777 /host/tmp
                else
                    mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fail "tmpfs /tmp"
                fi
                if [ -n "$KEEP" ]; then
                    mkdir -p "/host$KEEP" && mount --move /keep "/host$KEEP" || fail "cannot put $KEEP back over /tmp"
                fi
                mount -t tmpfs -o mode=755 tmpfs /host/run || fail "tmpfs /run"
                mkdir -p /host/dev/shm && mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm
                mkdir -p "/host$OUT" 2>/dev/null
                mount -t 9p -o trans=virtio,version=9p2000.L,rw,msize=262144 @OUT_TAG@ "/host$OUT" || fail "cannot mount the run folder"
                echo "ERV-CMD-START uptime=$(cut -d' ' -f1 /host/proc/uptime)"
                { chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp /bin/sh "$OUT/cmd.sh"; echo $? > "/host$OUT/rc"; } 2>&1 | tee "/host$OUT/output.txt"
                echo "ERV-CMD-END uptime=$(cut -d' ' -f1 /host/proc/uptime) rc=$(cat "/host$OUT/rc" 2>/dev/null)"
                sync
                poweroff -f
                sleep 5
                """.replace("@MODULES@", mods.toString()).replace("@ROOT@", ROOT_TAG).replace("@OUT_TAG@", OUT_TAG);
    }
}
