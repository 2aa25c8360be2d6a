/*
 * syncwarden's exec wrapper for children that must not outlive it (x86-64 Linux, no libc).
 * Usage: pdeathsig PARENT-PID PROGRAM [ARG...]
 * Asks the kernel to send SIGTERM when the parent dies, checks the parent is still PARENT-PID (it may
 * have died before the request), then replaces itself with PROGRAM, keeping the environment.
 * Exit 125: the parent was already gone; 127: PROGRAM could not be executed; 126: bad usage.
 */
typedef long word;

enum { SYS_EXECVE = 59, SYS_EXIT = 60, SYS_GETPPID = 110, SYS_PRCTL = 157 };
enum { PR_SET_PDEATHSIG = 1, SIGTERM = 15 };

static word syscall3(word number, word a, word b, word c)
{
    word result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return result;
}

static __attribute__((noreturn)) void quit(word code)
{
    for (;;)
    {
        syscall3(SYS_EXIT, code, 0, 0);
    }
}

static word parse_pid(const char *text)
{
    word value = 0;
    if (*text == 0)
    {
        return -1;
    }
    for (; *text; text++)
    {
        if (*text < '0' || *text > '9' || value > 100000000)
        {
            return -1;
        }
        value = value * 10 + (*text - '0');
    }
    return value;
}

__attribute__((noreturn, used)) void wrapper_main(word *stack)
{
    word argc = stack[0];
    char **argv = (char **)(stack + 1);
    char **envp = argv + argc + 1;
    if (argc < 3)
    {
        quit(126);
    }
    word parent = parse_pid(argv[1]);
    if (parent <= 0)
    {
        quit(126);
    }
    syscall3(SYS_PRCTL, PR_SET_PDEATHSIG, SIGTERM, 0);
    if (syscall3(SYS_GETPPID, 0, 0, 0) != parent)
    {
        quit(125);
    }
    syscall3(SYS_EXECVE, (word)argv[2], (word)(argv + 2), (word)envp);
    quit(127);
}

__asm__(
    ".globl _start\n"
    "_start:\n"
    "    xor %rbp, %rbp\n"
    "    mov %rsp, %rdi\n"
    "    and $-16, %rsp\n"
    "    call wrapper_main\n"
    "    hlt\n");
