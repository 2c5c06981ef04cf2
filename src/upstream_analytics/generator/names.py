# ruff: noqa: SIM905 - word lists read more easily as text than as quoted lists
"""Names for the synthetic force: common UK forenames and surnames, weighted so some recur as in life."""

from __future__ import annotations

MALE_FORENAMES = (
    "Robert William James John Thomas Michael Richard Christopher Daniel Matthew Anthony Joseph David Stephen "
    "Edward Alexander Benjamin Samuel Nicholas Jonathan Andrew Patrick Peter Charles Henry Frederick Nathan "
    "Oliver Callum Kieran Leonard Ronald Timothy Gregory Philip Terence Lawrence Zachary Harold Jack Harry "
    "George Noah Leo Oscar Arthur Muhammad Jacob Ethan Mason Lewis Ryan Liam Connor Tyler Kyle Jordan Aaron "
    "Adam Luke Joshua Dylan Owen Rhys Gareth Dean Wayne Craig Lee Mark Paul Gary Jason Darren Shaun Ashley"
).split()

FEMALE_FORENAMES = (
    "Elizabeth Margaret Katherine Catherine Jennifer Rebecca Victoria Jessica Samantha Alexandra Charlotte "
    "Abigail Deborah Susan Patricia Christine Christina Jacqueline Natalie Olivia Amelia Emily Emma Isabella "
    "Isabel Josephine Joanne Kimberley Lucy Louise Madison Megan Nicola Pamela Sophie Theresa Sarah Laura "
    "Hannah Chloe Amy Rachel Lauren Gemma Kirsty Leanne Donna Tracey Karen Michelle Claire Kelly Stacey "
    "Jade Shannon Paige Courtney Ellie Grace Ava Mia Poppy Freya Evie Ruby Aisha Fatima Zara Maya Niamh Sian"
).split()

SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill "
    "Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy "
    "Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman "
    "Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight "
    "Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher "
    "Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks "
    "West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan "
    "Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe "
    "Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton "
    "Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop "
    "Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald "
    "Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill "
    "Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe "
    "Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley "
    "Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar "
    "Lynch Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Bibi Clayton Nash Greenwood "
    "Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson "
    "Banks French Stanley Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas "
    "Knowles Hartley Miah Simmons Morton Alexander Field Morrison Norris Townsend Preston Hancock Thornton "
    "Baldwin Burrows Briggs Storey Pugh Vaughan Sims Smith-Jones Lloyd-Davies Ap-Rhys Fitzgerald MacKenzie"
).split()

STREETS = (
    "High Street|Station Road|Main Street|Park Road|Church Road|Church Street|London Road|Victoria Road|"
    "Green Lane|Manor Road|Church Lane|Park Avenue|The Avenue|The Crescent|Queens Road|New Road|Grange Road|"
    "Kings Road|Kingsway|Windsor Road|Highfield Road|Mill Lane|Alexander Road|York Road|St. John's Road|"
    "Main Road|Broadway|King Street|The Green|Springfield Road|George Street|Park Lane|Victoria Street|"
    "Albert Road|Queensway|New Street|Queen Street|West Street|North Street|Manchester Road|The Grove|"
    "Richmond Road|Grove Road|South Street|School Lane|The Drive|North Road|Stanley Road|Chester Road|Mill Road"
).split("|")

# Postcode districts of one imaginary force area; towns follow the district.
DISTRICTS = (
    ("LS1", "Leeds"),
    ("LS2", "Leeds"),
    ("LS4", "Leeds"),
    ("LS6", "Leeds"),
    ("LS7", "Leeds"),
    ("LS8", "Leeds"),
    ("LS9", "Leeds"),
    ("LS11", "Leeds"),
    ("LS12", "Leeds"),
    ("LS13", "Leeds"),
    ("LS14", "Leeds"),
    ("BD1", "Bradford"),
    ("BD3", "Bradford"),
    ("BD5", "Bradford"),
    ("BD7", "Bradford"),
    ("BD8", "Bradford"),
    ("WF1", "Wakefield"),
    ("WF2", "Wakefield"),
    ("HX1", "Halifax"),
    ("HD1", "Huddersfield"),
)
