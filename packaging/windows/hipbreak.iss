; Inno Setup script for HipBreak: a per-user install of the PyInstaller one-folder bundle.
;
; Build on Windows, after `scripts/build-bundle` has produced dist\hipbreak\ there:
;   iscc packaging\windows\hipbreak.iss
; The installer needs no administrator rights (PrivilegesRequired=lowest): files go to
; %LOCALAPPDATA%\Programs\HipBreak, the Start menu entry to the user's own Start menu, and the
; optional "start at login" task writes HKCU\...\Run\HipBreak, the same value that
; `hipbreak autostart on|off` and the settings window manage (desktop_app/platform/autostart/).
; NOT TESTED HERE: this repository's CI runs on Linux only. See packaging/README.md.

#define AppName "HipBreak"
#define AppVersion "0.1.0"
#define AppExe "hipbreak.exe"
#define AppId "io.github.hipbreak.HipBreak"

[Setup]
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=HipBreak developers
AppPublisherURL=https://github.com/hipbreak/hipbreak
DefaultDirName={userpf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=HipBreak-{#AppVersion}-setup
SetupIconFile=..\..\assets\icons\hipbreak.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Close a running HipBreak before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"

[CustomMessages]
english.StartAtLogin=Start HipBreak when I log in
german.StartAtLogin=HipBreak bei der Anmeldung starten
english.LaunchNow=Start HipBreak now
german.LaunchNow=HipBreak jetzt starten

[Tasks]
Name: "startatlogin"; Description: "{cm:StartAtLogin}"; Flags: unchecked

[Files]
Source: "..\..\dist\hipbreak\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; AppUserModelID: "{#AppId}"

[Registry]
; The same value name the app uses, so the app shows the state the installer set, and
; uninstalling removes it only if it is still there.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
  ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Tasks: startatlogin; Flags: uninsdeletevalue

[UninstallRun]
Filename: "{app}\{#AppExe}"; Parameters: "quit"; Flags: runhidden skipifdoesntexist; RunOnceId: "QuitHipBreak"

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchNow}"; Flags: nowait postinstall skipifsilent
