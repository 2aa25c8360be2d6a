/*
 * Start-up cost and resident memory of the NativeAOT executable (linked in by Syncwarden.Cli.csproj; see
 * bench/RESULTS.md, issue 8).
 *
 * At start the .NET runtime writes several MiB of the program's data into the executable's zero-filled
 * (bss) segment. Left to itself, that takes one page fault per 4 KiB page, and on a virtual machine
 * each fault is expensive: it was most of the time `syncwarden --version` took. This constructor runs
 * before main(): it asks for transparent huge pages on that segment (where the system allows them on
 * request) and then has the kernel fill it in one call. Both are hints; any error is ignored and
 * start-up proceeds as before.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels answer EINVAL, which is ignored */
#endif

static int prefault_executable_bss(struct dl_phdr_info *info, size_t size, void *unused)
{
    (void)size;
    (void)unused;
    const uintptr_t page = 4096;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_W) || segment->p_memsz <= segment->p_filesz)
            continue;
        /* The part past the file's bytes, from the first page that holds only bss (the page before it
           is shared with initialised data and already mapped from the file). */
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_memsz + page - 1) & ~(page - 1);
        if (end > start)
        {
            madvise((void *)start, end - start, MADV_HUGEPAGE);
            madvise((void *)start, end - start, MADV_POPULATE_WRITE);
        }
    }
    return 1; /* the first object listed is the executable itself; stop there */
}

__attribute__((constructor)) static void prefault_at_start(void)
{
    dl_iterate_phdr(prefault_executable_bss, 0);
}

/*
 * The other half of the same data: its compressed form. The compiler stores the program's data dehydrated in the
 * read-only segment (about 3 MiB here) and the runtime decodes it into the zero-filled segment above, once, before
 * main(). After that nobody reads it again, yet its pages stay mapped and count in the resident memory of every
 * syncwarden process, the long-lived daemon included. syncwarden_release_startup_data() drops those pages from the
 * process; they are clean pages of the executable, so if anything did read them again the kernel would map them
 * back from the file. The blob's bounds come from the runtime's own module header (the table it reads them from),
 * checked against the compiler's symbol for its start; if the table is not as expected, nothing is released.
 */
extern const unsigned char __ReadyToRunHeader[];  /* emitted by the NativeAOT compiler, hidden, in this executable */
extern const unsigned char __dehydrated_data[];

struct module_header
{
    uint32_t signature; /* "RTR" */
    uint16_t major_version;
    uint16_t minor_version;
    uint32_t flags;
    uint16_t number_of_sections;
    uint8_t entry_size;
    uint8_t entry_type;
};

struct module_section
{
    int32_t section_id;
    int32_t flags;
    const unsigned char *start;
    const unsigned char *end;
};

/* Returns the number of bytes released, 0 when nothing was (table not recognised), or -1 when madvise failed. */
long syncwarden_release_startup_data(void)
{
    struct module_header header;
    memcpy(&header, __ReadyToRunHeader, sizeof header);
    if (header.signature != 0x00525452 || header.entry_size != sizeof(struct module_section))
        return 0;
    for (uint16_t i = 0; i < header.number_of_sections; i++)
    {
        struct module_section section;
        memcpy(&section, __ReadyToRunHeader + sizeof header + (size_t)i * sizeof section, sizeof section);
        if (section.start != __dehydrated_data || section.end <= section.start)
            continue;
        /* Whole pages only: the first and last may be shared with other read-only data. */
        const uintptr_t page = 4096;
        uintptr_t start = ((uintptr_t)section.start + page - 1) & ~(page - 1);
        uintptr_t end = (uintptr_t)section.end & ~(page - 1);
        if (end <= start)
            return 0;
        return madvise((void *)start, end - start, MADV_DONTNEED) == 0 ? (long)(end - start) : -1;
    }
    return 0;
}
