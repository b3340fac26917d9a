using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AsRnnGrid.Build
{
    /// <summary>
    /// Rewrites the GLIBCXX_3.4.32 version requirement of every libLibTorchSharp.so below a folder to
    /// GLIBCXX_3.4.21 (the name and its ELF hash in the .gnu.version_r auxiliary entry), when the system's
    /// libstdc++ lacks 3.4.32. The file is replaced by a new one, so a hard link into the NuGet cache is
    /// never written through.
    /// </summary>
    public class PatchGlibcxxRequirement : Task
    {
        const string Missing = "GLIBCXX_3.4.32";
        const string Replacement = "GLIBCXX_3.4.21";
        const uint ShtGnuVerneed = 0x6ffffffe;

        [Required] public string Folder { get; set; }
        /// <summary>Patch even where the system has the version (tests use it).</summary>
        public bool Force { get; set; }

        public override bool Execute()
        {
            if (!Directory.Exists(Folder)) return true;
            var libraries = Directory.GetFiles(Folder, "libLibTorchSharp.so", SearchOption.AllDirectories);
            if (libraries.Length == 0) return true;
            if (!Force && SystemHasVersion())
            {
                Log.LogMessage(MessageImportance.Low, "System libstdc++ provides " + Missing + "; nothing to patch.");
                return true;
            }
            foreach (var path in libraries)
            {
                try
                {
                    var bytes = File.ReadAllBytes(path);
                    int patched = Patch(bytes);
                    if (patched == 0) continue;
                    var temp = path + ".patching";
                    File.WriteAllBytes(temp, bytes);
                    File.Replace(temp, path, null);
                    Log.LogMessage(MessageImportance.Normal, "Patched " + Missing + " -> " + Replacement + " in " + path);
                }
                catch (Exception e)
                {
                    Log.LogError("Could not patch " + path + ": " + e.Message);
                    return false;
                }
            }
            return true;
        }

        static bool SystemHasVersion()
        {
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var c in candidates)
            {
                if (!File.Exists(c)) continue;
                return IndexOf(File.ReadAllBytes(c), Encoding.ASCII.GetBytes(Missing + "\0"), 0) >= 0;
            }
            return true; // no libstdc++ where we know to look: leave the library alone
        }

        /// <summary>Returns how many version requirements were rewritten (0 when none asks for 3.4.32).</summary>
        static int Patch(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a little-endian 64-bit ELF file");
            long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A);
            int shnum = BitConverter.ToUInt16(elf, 0x3C);
            int count = 0;
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
                long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 24);
                int link = (int)BitConverter.ToUInt32(elf, (int)sh + 40);
                int entries = (int)BitConverter.ToUInt32(elf, (int)sh + 44);
                long strSh = shoff + (long)link * shentsize;
                long strOffset = (long)BitConverter.ToUInt64(elf, (int)strSh + 24);
                long strSize = (long)BitConverter.ToUInt64(elf, (int)strSh + 32);
                int replacementName = IndexOf(elf, Encoding.ASCII.GetBytes(Replacement + "\0"), (int)strOffset, (int)(strOffset + strSize));
                long need = offset;
                for (int n = 0; n < entries; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                    long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        uint nameOffset = BitConverter.ToUInt32(elf, (int)aux + 8);
                        if (ReadString(elf, strOffset + nameOffset) == Missing)
                        {
                            if (replacementName < 0) throw new InvalidDataException(Replacement + " is not in the string table");
                            WriteUInt32(elf, aux, ElfHash(Replacement));
                            WriteUInt32(elf, aux + 8, (uint)(replacementName - strOffset));
                            count++;
                        }
                        aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                    }
                    need += BitConverter.ToUInt32(elf, (int)need + 12);
                }
            }
            return count;
        }

        static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (char c in name)
            {
                h = (h << 4) + c;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        static string ReadString(byte[] b, long at)
        {
            int end = (int)at;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
        }

        static void WriteUInt32(byte[] b, long at, uint v)
        {
            var bytes = BitConverter.GetBytes(v);
            Array.Copy(bytes, 0, b, at, 4);
        }

        static int IndexOf(byte[] hay, byte[] needle, int from, int to = -1)
        {
            if (to < 0) to = hay.Length;
            for (int i = from; i <= to - needle.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && hay[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }
    }
}
