/*
 * gnu_property.h - the GNU property note an assembly object carries to
 * tell the linker which control-flow protections its code keeps.  The
 * linker marks its output with a feature only if every input object has
 * the note with that feature's bit, so an object without it quietly
 * lowers the whole library.  Included from assembly only.
 *
 * COPYMC_GNU_PROPERTY type, features
 *   type: the architecture's *_FEATURE_1_AND property number;
 *   features: its bit set (an assembly-time expression; 0 emits nothing).
 */
#ifndef COPYMC_GNU_PROPERTY_H
#define COPYMC_GNU_PROPERTY_H

#if __SIZEOF_POINTER__ == 8
# define COPYMC_NOTE_ALIGN 3
#else
# define COPYMC_NOTE_ALIGN 2
#endif

.macro COPYMC_GNU_PROPERTY type, features
	.if \features
	.pushsection .note.gnu.property, "a"
	.p2align COPYMC_NOTE_ALIGN
	.long	4			/* n_namesz */
	.long	16			/* n_descsz: one 4-byte property, padded */
	.long	5			/* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.long	\type			/* pr_type */
	.long	4			/* pr_datasz */
	.long	\features
	.long	0			/* padding to 8 */
	.popsection
	.endif
.endm

#endif /* COPYMC_GNU_PROPERTY_H */
