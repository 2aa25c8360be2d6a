/*
 * Start-up cost of the NativeAOT executable (linked in by Syncwarden.Cli.csproj; see bench/RESULTS.md, issue 8).
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
#include <stdint.h>
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
