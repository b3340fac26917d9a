namespace AsRnnGrid.Data;

/// <summary>The MNIST train and test splits, read from the four standard IDX files.</summary>
public sealed class MnistDataset
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    private MnistDataset(MnistSplit train, MnistSplit test)
    {
        Train = train;
        Test = test;
    }

    public MnistSplit Train { get; }

    public MnistSplit Test { get; }

    /// <summary>
    /// Loads the four files from <paramref name="dataDir"/>, each either as NAME.gz or raw NAME
    /// (the .gz one when both exist, since that is how the files are distributed).
    /// </summary>
    public static MnistDataset Load(string dataDir)
    {
        string[] names = [TrainImages, TrainLabels, TestImages, TestLabels];
        if (!Directory.Exists(dataDir))
            throw new DataFileException(dataDir, "MNIST folder does not exist");

        var paths = new string?[names.Length];
        var missing = new List<string>();
        for (int i = 0; i < names.Length; i++)
        {
            paths[i] = Locate(dataDir, names[i]);
            if (paths[i] is null) missing.Add(names[i]);
        }
        // Report every absent file at once, so one look fixes the folder.
        if (missing.Count > 0)
            throw new DataFileException(dataDir, $"missing MNIST files (raw or .gz): {string.Join(", ", missing)}");

        return new MnistDataset(
            ReadSplit(paths[0]!, paths[1]!),
            ReadSplit(paths[2]!, paths[3]!));
    }

    private static string? Locate(string dataDir, string name)
    {
        string gz = Path.Combine(dataDir, name + ".gz");
        if (File.Exists(gz)) return gz;
        string raw = Path.Combine(dataDir, name);
        return File.Exists(raw) ? raw : null;
    }

    private static MnistSplit ReadSplit(string imagesPath, string labelsPath)
    {
        var (imageDims, pixels) = IdxFile.ReadUBytes(imagesPath, rank: 3);
        if (imageDims[1] != MnistSplit.Rows || imageDims[2] != MnistSplit.Columns)
            throw new DataFileException(imagesPath,
                $"image size is {imageDims[1]}x{imageDims[2]}, expected {MnistSplit.Rows}x{MnistSplit.Columns}");

        var (labelDims, labels) = IdxFile.ReadUBytes(labelsPath, rank: 1);
        if (labelDims[0] != imageDims[0])
            throw new DataFileException(labelsPath,
                $"{labelDims[0]} labels for {imageDims[0]} images in {Path.GetFileName(imagesPath)}");

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= MnistSplit.Classes)
                throw new DataFileException(labelsPath, $"label {labels[i]} at index {i} is outside 0-9");
        }
        return new MnistSplit(imageDims[0], pixels, labels);
    }
}
