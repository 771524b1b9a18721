/* Chinook-style music store (bracketed identifiers, NVARCHAR, NUMERIC) */
CREATE TABLE [Artist] ( [ArtistId] INTEGER NOT NULL, [Name] NVARCHAR(120), CONSTRAINT [PK_Artist] PRIMARY KEY ([ArtistId]) );
CREATE TABLE [Album] ( [AlbumId] INTEGER NOT NULL, [Title] NVARCHAR(160) NOT NULL, [ArtistId] INTEGER NOT NULL,
    CONSTRAINT [PK_Album] PRIMARY KEY ([AlbumId]),
    FOREIGN KEY ([ArtistId]) REFERENCES [Artist] ([ArtistId]) ON DELETE NO ACTION ON UPDATE NO ACTION );
CREATE TABLE [MediaType] ( [MediaTypeId] INTEGER NOT NULL, [Name] NVARCHAR(120), CONSTRAINT [PK_MediaType] PRIMARY KEY ([MediaTypeId]) );
CREATE TABLE [Track] ( [TrackId] INTEGER NOT NULL, [Name] NVARCHAR(200) NOT NULL, [AlbumId] INTEGER, [MediaTypeId] INTEGER NOT NULL,
    [Composer] NVARCHAR(220), [Milliseconds] INTEGER NOT NULL, [Bytes] INTEGER, [UnitPrice] NUMERIC(10,2) NOT NULL,
    [Seconds] INTEGER GENERATED ALWAYS AS ([Milliseconds] / 1000) VIRTUAL,
    CONSTRAINT [PK_Track] PRIMARY KEY ([TrackId]),
    FOREIGN KEY ([AlbumId]) REFERENCES [Album] ([AlbumId]),
    FOREIGN KEY ([MediaTypeId]) REFERENCES [MediaType] ([MediaTypeId]) );
CREATE TABLE [InvoiceLine] ( [InvoiceLineId] INTEGER NOT NULL, [TrackId] INTEGER NOT NULL, [UnitPrice] NUMERIC(10,2) NOT NULL,
    [Quantity] INTEGER NOT NULL, [LineTotal] NUMERIC(10,2) AS ([UnitPrice] * [Quantity]) STORED,
    CONSTRAINT [PK_InvoiceLine] PRIMARY KEY ([InvoiceLineId]), FOREIGN KEY ([TrackId]) REFERENCES [Track] ([TrackId]) );
CREATE INDEX [IFK_TrackAlbumId] ON [Track] ([AlbumId]);
