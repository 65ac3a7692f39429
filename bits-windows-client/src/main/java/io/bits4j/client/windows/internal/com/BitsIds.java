package io.bits4j.client.windows.internal.com;

import com.sun.jna.platform.win32.Guid;

/** CLSIDs and IIDs of the BITS coclasses and interfaces (bits.h … bits10_3.h). */
public final class BitsIds {
  private BitsIds() {}

  // --- Coclasses; each has IBackgroundCopyManager as its default interface. ---
  /** BackgroundCopyManager (bits.h). */
  public static final String CLSID_BackgroundCopyManager = "4991d34b-80a1-4291-83b6-3328366b9097";
  /** BackgroundCopyManager1_5 (bits1_5.h). */
  public static final String CLSID_BackgroundCopyManager1_5 = "f087771f-d74f-4c1a-bb8a-e16aca9124ea";
  /** BackgroundCopyManager2_0 (bits2_0.h). */
  public static final String CLSID_BackgroundCopyManager2_0 = "6d18ad12-bde3-4393-b311-099c346e6df9";
  /** BackgroundCopyManager2_5 (bits2_5.h). */
  public static final String CLSID_BackgroundCopyManager2_5 = "03ca98d6-ff5d-49b8-abc6-03dd84127020";
  /** BackgroundCopyManager3_0 (bits3_0.h). */
  public static final String CLSID_BackgroundCopyManager3_0 = "659cdea7-489e-11d9-a9cd-000d56965251";
  /** BackgroundCopyManager4_0 (bits4_0.h). */
  public static final String CLSID_BackgroundCopyManager4_0 = "bb6df56b-cace-11dc-9992-0019b93a3a84";
  /** BackgroundCopyManager5_0 (bits5_0.h). */
  public static final String CLSID_BackgroundCopyManager5_0 = "1ecca34c-e88a-44e3-8d6a-8921bde9e452";
  /** BackgroundCopyManager10_1 (bits10_1.h). */
  public static final String CLSID_BackgroundCopyManager10_1 = "4bd3e4e1-7bd4-4a2b-9964-496400de5193";
  /** BackgroundCopyManager10_2 (bits10_2.h). */
  public static final String CLSID_BackgroundCopyManager10_2 = "4575438f-a6c8-4976-b0fe-2f26b80d959e";
  /** BackgroundCopyManager10_3 (bits10_3.h). */
  public static final String CLSID_BackgroundCopyManager10_3 = "5fd42ad5-c04e-4d36-adc7-e08ff15737ad";

  // --- Interfaces. ---
  /** IUnknown. */
  public static final String IID_IUnknown = "00000000-0000-0000-c000-000000000046";
  /** IBackgroundCopyManager : IUnknown. */
  public static final String IID_IBackgroundCopyManager = "5ce34c0d-0dc9-4c1f-897c-daa1b78cee7c";
  /** IBackgroundCopyJob : IUnknown. */
  public static final String IID_IBackgroundCopyJob = "37668d37-507e-4160-9316-26306d150b12";
  /** IBackgroundCopyJob2 : IBackgroundCopyJob. */
  public static final String IID_IBackgroundCopyJob2 = "54b50739-686f-45eb-9dff-d6a9a0faa9af";
  /** IBackgroundCopyJob3 : IBackgroundCopyJob2. */
  public static final String IID_IBackgroundCopyJob3 = "443c8934-90ff-48ed-bcde-26f5c7450042";
  /** IBackgroundCopyJob4 : IBackgroundCopyJob3. */
  public static final String IID_IBackgroundCopyJob4 = "659cdeae-489e-11d9-a9cd-000d56965251";
  /** IBackgroundCopyJob5 : IBackgroundCopyJob4. */
  public static final String IID_IBackgroundCopyJob5 = "e847030c-bbba-4657-af6d-484aa42bf1fe";
  /** IBackgroundCopyJobHttpOptions : IUnknown. */
  public static final String IID_IBackgroundCopyJobHttpOptions = "f1bd1079-9f01-4bdc-8036-f09b70095066";
  /** IBackgroundCopyJobHttpOptions2 : IBackgroundCopyJobHttpOptions. */
  public static final String IID_IBackgroundCopyJobHttpOptions2 = "b591a192-a405-4fc3-8323-4c5c542578fc";
  /** IBackgroundCopyJobHttpOptions3 : IBackgroundCopyJobHttpOptions2. */
  public static final String IID_IBackgroundCopyJobHttpOptions3 = "8a9263d3-fd4c-4eda-9b28-30132a4d4e3c";
  /** IBackgroundCopyFile : IUnknown. */
  public static final String IID_IBackgroundCopyFile = "01b7bd23-fb88-4a77-8490-5891d3e4653a";
  /** IBackgroundCopyFile2 : IBackgroundCopyFile. */
  public static final String IID_IBackgroundCopyFile2 = "83e81b93-0873-474d-8a8c-f2018b1a939c";
  /** IBackgroundCopyFile3 : IBackgroundCopyFile2. */
  public static final String IID_IBackgroundCopyFile3 = "659cdeaa-489e-11d9-a9cd-000d56965251";
  /** IBackgroundCopyFile4 : IBackgroundCopyFile3. */
  public static final String IID_IBackgroundCopyFile4 = "ef7e0655-7888-4960-b0e5-730846e03492";
  /** IBackgroundCopyFile5 : IBackgroundCopyFile4. */
  public static final String IID_IBackgroundCopyFile5 = "85c1657f-dafc-40e8-8834-df18ea25717e";
  /** IBackgroundCopyFile6 : IBackgroundCopyFile5. */
  public static final String IID_IBackgroundCopyFile6 = "cf6784f7-d677-49fd-9368-cb47aee9d1ad";
  /** IEnumBackgroundCopyJobs : IUnknown. */
  public static final String IID_IEnumBackgroundCopyJobs = "1af4f612-3b71-466f-8f58-7b6f73ac57ad";
  /** IEnumBackgroundCopyFiles : IUnknown. */
  public static final String IID_IEnumBackgroundCopyFiles = "ca51e165-c365-424c-8d41-24aaa4ff3c40";
  /** IBackgroundCopyError : IUnknown. */
  public static final String IID_IBackgroundCopyError = "19c613a0-fcb8-4f28-81ae-897c3d078f81";
  /** IBackgroundCopyCallback : IUnknown. */
  public static final String IID_IBackgroundCopyCallback = "97ea99c7-0186-4ad4-8df9-c5b4e0ed6b22";
  /** AsyncIBackgroundCopyCallback (the async_uuid of IBackgroundCopyCallback). */
  public static final String IID_AsyncIBackgroundCopyCallback = "ca29d251-b4bb-4679-a3d9-ae8006119d54";
  /** IBackgroundCopyCallback2 : IBackgroundCopyCallback. */
  public static final String IID_IBackgroundCopyCallback2 = "659cdeac-489e-11d9-a9cd-000d56965251";
  /** IBackgroundCopyCallback3 : IBackgroundCopyCallback2. */
  public static final String IID_IBackgroundCopyCallback3 = "98c97bd2-e32b-4ad8-a528-95fd8b16bd42";
  /** IBitsTokenOptions : IUnknown. */
  public static final String IID_IBitsTokenOptions = "9a2584c3-f7d2-457a-9a5e-22b67bffc7d2";

  /** A fresh GUID structure for a CLSID or IID string (structures are mutable, so never shared). */
  public static Guid.GUID guid(String id) {
    return new Guid.GUID("{" + id + "}");
  }
}
