namespace AsRnnGrid.Data;

/// <summary>
/// Penn Treebank character corpus (docs/models.md §5.4). Each line gives its whitespace-separated symbols
/// plus one <see cref="EndOfSentence"/>. Ids follow first appearance reading train, valid, test in
/// that order; a valid/test symbol unseen in train is rejected, since the model could never have
/// learnt it and it would silently grow the output layer. The files are strict UTF-8 (<see cref="Utf8Text"/>): a byte
/// that is not would otherwise become a symbol U+FFFD of its own.
/// </summary>
public sealed class PtbCorpus
{
    public const string EndOfSentence = "<eos>";
    public const string TrainFile = "ptb.char.train.txt";
    public const string ValidFile = "ptb.char.valid.txt";
    public const string TestFile = "ptb.char.test.txt";

    private readonly string[] _vocabulary;

    private PtbCorpus(string[] vocabulary, int[] train, int[] valid, int[] test)
    {
        _vocabulary = vocabulary;
        Train = train;
        Valid = valid;
        Test = test;
    }

    /// <summary>Token of each id.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    public int VocabularySize => _vocabulary.Length;

    public int[] Train { get; }

    public int[] Valid { get; }

    public int[] Test { get; }

    /// <summary>Loads the three standard files from <paramref name="dataDir"/>.</summary>
    public static PtbCorpus Load(string dataDir)
    {
        if (!Directory.Exists(dataDir))
            throw new DataFileException(dataDir, "PTB folder does not exist");
        string[] names = [TrainFile, ValidFile, TestFile];
        var missing = names.Where(n => !File.Exists(Path.Combine(dataDir, n))).ToList();
        if (missing.Count > 0)
            throw new DataFileException(dataDir, $"missing PTB files: {string.Join(", ", missing)}");
        return FromFiles(
            Path.Combine(dataDir, TrainFile),
            Path.Combine(dataDir, ValidFile),
            Path.Combine(dataDir, TestFile));
    }

    /// <summary>Loads from explicit paths (any file may stand in for train, e.g. valid in tests).</summary>
    public static PtbCorpus FromFiles(string trainPath, string validPath, string testPath)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var vocabulary = new List<string>();
        int[] train = Tokenize(trainPath, ids, vocabulary, growVocabulary: true);
        int[] valid = Tokenize(validPath, ids, vocabulary, growVocabulary: false);
        int[] test = Tokenize(testPath, ids, vocabulary, growVocabulary: false);
        return new PtbCorpus(vocabulary.ToArray(), train, valid, test);
    }

    private static int[] Tokenize(string path, Dictionary<string, int> ids, List<string> vocabulary, bool growVocabulary)
    {
        if (!File.Exists(path))
            throw new DataFileException(path, "file does not exist");

        var stream = new List<int>();
        int lineNumber = 0, symbols = 0;
        try
        {
            using var lines = new StringReader(Utf8Text.Read(path));
            for (string? line = lines.ReadLine(); line is not null; line = lines.ReadLine())
            {
                lineNumber++;
                // null separators = split on any whitespace, as Python's str.split() in the reference.
                foreach (string token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    stream.Add(IdOf(token, path, lineNumber, ids, vocabulary, growVocabulary));
                    symbols++;
                }
                stream.Add(IdOf(EndOfSentence, path, lineNumber, ids, vocabulary, growVocabulary));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot read: {e.Message}", inner: e);
        }

        // A file of blank lines would give only <eos>: no text to learn or score, so treat it as empty.
        if (symbols == 0)
            throw new DataFileException(path, $"empty corpus file: no symbols in {lineNumber} lines");
        return stream.ToArray();
    }

    private static int IdOf(string token, string path, int line, Dictionary<string, int> ids, List<string> vocabulary, bool grow)
    {
        if (ids.TryGetValue(token, out int id)) return id;
        if (!grow)
            throw new DataFileException(path, $"token '{token}' does not occur in the training file", line);
        id = vocabulary.Count;
        ids.Add(token, id);
        vocabulary.Add(token);
        return id;
    }
}
