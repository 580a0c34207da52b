/**
 * The references the model is checked against, behind one interface ({@link
 * org.erofssim.reference.Reference}): what each one refuses, what it observes, how its answer
 * compares with the model's outcome, and which kernel profile the model runs on for it.
 *
 * <table>
 *   <caption>References</caption>
 *   <tr><th>class</th><th>identity</th><th>comparison</th><th>needs</th></tr>
 *   <tr><td>{@link org.erofssim.reference.SpecExpectation}</td><td>{@code spec}</td>
 *       <td>{@link org.erofssim.reference.Comparison#EXPECTATION_SUBSET}, scenario's profile</td><td>nothing</td></tr>
 *   <tr><td>{@link org.erofssim.reference.RecordedKernel}</td><td>{@code recorded <release>}</td>
 *       <td>{@link org.erofssim.reference.Comparison#KERNEL_OUTCOME}, the release's profile</td>
 *       <td>{@code fixtures/recorded/<release>/} ({@link org.erofssim.reference.Recordings})</td></tr>
 *   <tr><td>{@link org.erofssim.reference.HostKernel}</td><td>{@code live <uname -r>}</td>
 *       <td>{@link org.erofssim.reference.Comparison#KERNEL_OUTCOME}, the release's profile</td>
 *       <td>root ({@link org.erofssim.oracle.LiveKernelOracle} does the work)</td></tr>
 *   <tr><td>{@link org.erofssim.reference.FsckReference}</td><td>{@code erofs-utils <version>}</td>
 *       <td>{@link org.erofssim.reference.Comparison#FSCK_IMAGE}, scenario's profile</td>
 *       <td>{@code fsck.erofs} ({@code --utils}; root for images with device nodes)</td></tr>
 * </table>
 *
 * <p>{@code conform} checks every scenario against a list of references (the spec, one
 * {@code RecordedKernel} per release folder, with {@code --live} the {@code HostKernel});
 * {@code compare}, {@code record} and {@code fuzz --live} loop over the kernel references they
 * are given (today the running kernel). None of them knows more of a reference than this
 * interface, except where it makes the list.
 *
 * <p><b>Where a new reference goes.</b> A class here implementing {@code Reference}, a new
 * {@link org.erofssim.reference.Identity.Kind}, and one line where a command makes its list.
 * <ul>
 *   <li><b>A kernel booted in a VM</b> (issue 9): kind {@code vm}, release = the guest's
 *       {@code uname -r}; {@code unavailable()} when QEMU or the kernel package is missing (exit 77
 *       at the command line); {@code refuses} = the live oracle's refusals plus what the guest's
 *       CONFIG lacks; {@code observe} boots (once, reused for many cases) and runs the live oracle
 *       inside the guest, answering {@link org.erofssim.reference.Observation.Observed} with
 *       {@link org.erofssim.reference.Comparison#KERNEL_OUTCOME}; its recordings go to
 *       {@code fixtures/recorded/<release>/} through {@code record} like the host's. Not written
 *       yet: no class pretends to be it.</li>
 *   <li><b>erofs-utils</b>: {@link org.erofssim.reference.FsckReference}, kind {@code erofs-utils},
 *       release = the version {@code fsck.erofs -V} prints; {@code fsck.erofs --extract} on the
 *       scenario's image, compared as {@link org.erofssim.reference.Comparison#FSCK_IMAGE}
 *       (acceptance and the extracted tree). The test-only generators and parsers of
 *       {@code oracle.utils} stay in {@code testkit}.</li>
 * </ul>
 *
 * <p>Dependencies run one way: {@code cli} → {@code fuzz} → {@code reference} → {@code oracle}
 * → {@code compare} (checked by {@code HarnessPackageCyclesTest}).
 */
package org.erofssim.reference;
