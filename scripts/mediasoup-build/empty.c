/* Compiled into the empty static libraries that stand where mediasoup's worker links a bundled
 * subproject library by name (link_whole); the real code comes from Debian's shared library. */
typedef int hostline_empty_translation_unit;
