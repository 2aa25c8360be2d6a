using System.Runtime.Versioning;

// The test bed drives sshd, ip netns and POSIX file modes: Linux only.
[assembly: SupportedOSPlatform("linux")]
